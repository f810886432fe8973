/**
 * What staff can do to one feedback's workflow: move its status, assign it, correct the
 * classification (notes and replies are in item-messages.tsx). Each action goes through the
 * item's act(), which reloads the item and confirms.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { formatDateTime } from './format';
import { label, pick, t } from './i18n';
import { useSession } from './session';
import { allowedMoves } from '../../../shared/staff/staff-status';
import { KINDS, type FeedbackItem, type StaffStatus } from './types';

type Act = (run: () => Promise<unknown>, ok: string) => Promise<boolean>;

const REOPENED_FROM: StaffStatus[] = ['resolved', 'closed', 'spam', 'duplicate'];

export function ItemActions({ item, act }: { item: FeedbackItem; act: Act }) {
  const path = `/feedback/${encodeURIComponent(item.trackingCode)}`;
  const patch = (body: Record<string, unknown>) => () => api.patch(path, body);
  return (
    <div class="actions">
      <h2 class="visually-hidden">{t('actions')}</h2>
      {item.hold && (
        <HoldCard
          hold={item.hold}
          release={() => act(() => api.post(`${path}/release`), t('doneRelease'))}
        />
      )}
      <StatusCard item={item} act={(body, ok) => act(patch(body), ok)} />
      <AssignCard item={item} act={(body, ok) => act(patch(body), ok)} />
      <CorrectCard item={item} act={(body, ok) => act(patch(body), ok)} />
    </div>
  );
}

type PatchAct = (body: Record<string, unknown>, ok: string) => Promise<boolean>;

/** A held item (over a rate limit, or flagged): kept, in no figure until staff release it. */
function HoldCard({
  hold,
  release,
}: {
  hold: { reason: string; at: string };
  release: () => Promise<boolean>;
}) {
  return (
    <section class="card hold-card" aria-labelledby="h-hold" data-hold={hold.reason}>
      <h2 id="h-hold">{t('heldTitle')}</h2>
      <p class="notice notice-info">
        {t('heldExplain', { reason: hold.reason, at: formatDateTime(hold.at) })}
      </p>
      <div class="button-row">
        <button type="button" data-action="release" onClick={() => void release()}>
          {t('releaseHold')}
        </button>
      </div>
    </section>
  );
}

function StatusCard({ item, act }: { item: FeedbackItem; act: PatchAct }) {
  const moves = item.allowedStatuses ?? [...allowedMoves(item.status)];
  const [note, setNote] = useState(item.resolutionNote ?? '');
  const [dup, setDup] = useState('');
  const [error, setError] = useState<{ to: StaffStatus; text: string } | null>(null);
  useEffect(() => setError(null), [item.status]);

  const move = (to: StaffStatus) => {
    const body: Record<string, unknown> = { status: to };
    if (to === 'resolved') {
      if (!note.trim()) return setError({ to, text: t('resolutionRequired') });
      body.resolutionNote = note.trim();
    }
    if (to === 'duplicate') {
      if (!dup.trim()) return setError({ to, text: t('duplicateRequired') });
      body.duplicateOf = dup.trim().toUpperCase();
    }
    setError(null);
    void act(body, t('doneStatus'));
  };
  const button = (to: StaffStatus, secondary = false) => (
    <button
      type={to === 'resolved' || to === 'duplicate' ? 'submit' : 'button'}
      key={to}
      data-move={to}
      class={secondary ? 'secondary' : undefined}
      onClick={to === 'resolved' || to === 'duplicate' ? undefined : () => move(to)}
    >
      {to === 'triaged' && REOPENED_FROM.includes(item.status)
        ? t('reopen')
        : t('moveTo', { s: label('status', to) })}
    </button>
  );
  const errorFor = (to: StaffStatus) =>
    error?.to === to && (
      <p class="field-error" role="alert">
        {error.text}
      </p>
    );
  const simple = moves.filter((m) => m !== 'resolved' && m !== 'duplicate');

  return (
    <section class="card" aria-labelledby="h-status">
      <h2 id="h-status">{t('changeStatus')}</h2>
      {moves.length === 0 && <p class="muted">{t('noMoves')}</p>}
      {moves.includes('resolved') && (
        <form
          class="sub-form"
          onSubmit={(e) => {
            e.preventDefault();
            move('resolved');
          }}
        >
          <div class="field">
            <label for="resolution-note">{t('resolutionNote')}</label>
            <textarea
              id="resolution-note"
              rows={3}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </div>
          {errorFor('resolved')}
          {button('resolved')}
        </form>
      )}
      {simple.length > 0 && (
        <div class="button-row">{simple.map((to) => button(to, to === 'spam'))}</div>
      )}
      {moves.includes('duplicate') && (
        <form
          class="sub-form inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            move('duplicate');
          }}
        >
          <label for="duplicate-of">{t('duplicateOf')}</label>
          <input
            id="duplicate-of"
            class="code"
            value={dup}
            autocomplete="off"
            onInput={(e) => setDup(e.currentTarget.value)}
          />
          {button('duplicate', true)}
          {errorFor('duplicate')}
        </form>
      )}
    </section>
  );
}

function AssignCard({ item, act }: { item: FeedbackItem; act: PatchAct }) {
  const { staff } = useSession();
  const [who, setWho] = useState(item.assignee?.id ?? '');
  useEffect(() => setWho(item.assignee?.id ?? ''), [item.assignee?.id]);
  // Only people who cover the item's center can take it (a center manager covers their own).
  const people = staff.filter(
    (p) => p.role !== 'center_manager' || !item.centerCode || p.centers?.includes(item.centerCode),
  );
  if (item.assignee && !people.some((p) => p.id === item.assignee!.id))
    people.unshift({ ...item.assignee, role: 'taskforce' });
  return (
    <section class="card" aria-labelledby="h-assign">
      <h2 id="h-assign">{t('assign')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (who) void act({ assigneeId: who }, t('doneAssign'));
        }}
      >
        <div class="field">
          <label for="assignee">{t('assignTo')}</label>
          <select id="assignee" value={who} onChange={(e) => setWho(e.currentTarget.value)}>
            <option value="">{t('choose')}</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.email} · {label('role', p.role)}
              </option>
            ))}
          </select>
        </div>
        <div class="button-row">
          <button type="submit" disabled={!who || who === item.assignee?.id}>
            {t('assign')}
          </button>
          {item.assignee && (
            <button
              type="button"
              class="secondary"
              onClick={() => act({ assigneeId: null }, t('doneAssign'))}
            >
              {t('unassign')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function CorrectCard({ item, act }: { item: FeedbackItem; act: PatchAct }) {
  const { catalog } = useSession();
  const [center, setCenter] = useState(item.centerCode ?? '');
  const [service, setService] = useState(item.serviceCode ?? '');
  const [kind, setKind] = useState(item.kind ?? '');
  const [topics, setTopics] = useState<string[]>(item.topics);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setCenter(item.centerCode ?? '');
    setService(item.serviceCode ?? '');
    setKind(item.kind ?? '');
    setTopics(item.topics);
  }, [item]);

  const submit = (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (center && center !== item.centerCode) body.centerCode = center;
    if (service && service !== item.serviceCode) body.serviceCode = service;
    if (kind && kind !== item.kind) body.kind = kind;
    const sorted = (xs: string[]) => [...xs].sort().join(',');
    if (sorted(topics) !== sorted(item.topics)) body.topics = topics;
    if (Object.keys(body).length === 0) return setError(t('nothingChanged'));
    setError(null);
    void act(body, t('doneCorrect'));
  };
  const byName = <T extends { name: { lo: string; en: string } }>(list: T[]) =>
    [...list].sort((a, b) => pick(a.name).localeCompare(pick(b.name)));

  return (
    <section class="card" aria-labelledby="h-correct">
      <h2 id="h-correct">{t('correct')}</h2>
      <p class="hint">{t('correctHint')}</p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="correct-center">{t('center')}</label>
          <select
            id="correct-center"
            value={center}
            onChange={(e) => setCenter(e.currentTarget.value)}
          >
            {!item.centerCode && <option value="">{t('unknown')}</option>}
            {byName(catalog.centers.filter((c) => c.active || c.code === item.centerCode)).map(
              (c) => (
                <option key={c.code} value={c.code}>
                  {pick(c.name)}
                </option>
              ),
            )}
          </select>
        </div>
        <div class="field">
          <label for="correct-service">{t('service')}</label>
          <select
            id="correct-service"
            value={service}
            onChange={(e) => setService(e.currentTarget.value)}
          >
            {!item.serviceCode && <option value="">{t('unknown')}</option>}
            {byName(catalog.services).map((s) => (
              <option key={s.code} value={s.code}>
                {pick(s.name)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="correct-kind">{t('kind')}</label>
          <select id="correct-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {!item.kind && <option value="">{t('unknown')}</option>}
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label('kind', k)}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="field checklist">
          <legend>{t('topics')}</legend>
          {catalog.topics.map((x) => (
            <label class="check" key={x.code}>
              <input
                type="checkbox"
                name="topic"
                value={x.code}
                checked={topics.includes(x.code)}
                onChange={(e) =>
                  setTopics((prev) =>
                    e.currentTarget.checked ? [...prev, x.code] : prev.filter((c) => c !== x.code),
                  )
                }
              />
              <span>{pick(x.name)}</span>
            </label>
          ))}
        </fieldset>
        {error && <p class="field-error">{error}</p>}
        <button type="submit">{t('saveCorrections')}</button>
      </form>
    </section>
  );
}
