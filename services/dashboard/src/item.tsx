/**
 * One feedback: the citizen's text exactly as written (line breaks kept, marked with its
 * language), what the classifier made of it, the conversation, the history and the contact as
 * the API returns it for this role. Actions are in item-actions.tsx; analysts get none.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import {
  formatDateTime,
  formatPhone,
  formatValue,
  isMasked,
  percent,
  textLang,
  timeLeft,
} from './format';
import { label, t } from './i18n';
import { ItemActions } from './item-actions';
import { History } from './item-history';
import { ItemMessages } from './item-messages';
import { BASE, Link } from './router';
import { catalogNames, useSession } from './session';
import { OPEN_STATUSES, type Classified, type FeedbackItem } from './types';
import { DeliveryBadge, Notice, StatusBadge, useNotice } from './ui';

export function Item({ code }: { code: string }) {
  const session = useSession();
  const names = catalogNames(session.catalog);
  const [item, setItem] = useState<FeedbackItem | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, show] = useNotice();

  const load = useCallback(
    () =>
      api.get<FeedbackItem>(`/feedback/${encodeURIComponent(code)}`).then(
        (i) => {
          setItem(i);
          setLoadError(null);
        },
        (e) => setLoadError(errorMessage(e)),
      ),
    [code],
  );
  useEffect(() => {
    setItem(null);
    void load();
  }, [load]);

  /** Runs one action, then shows the item as it is now and a short confirmation. */
  const act = async (run: () => Promise<unknown>, ok: string): Promise<boolean> => {
    try {
      await run();
    } catch (e) {
      show('error', errorMessage(e));
      return false;
    }
    await load();
    show('ok', ok);
    return true;
  };

  if (loadError && !item)
    return (
      <section class="card" data-screen="item">
        <h1 tabIndex={-1}>{t('itemTitle', { code })}</h1>
        <p class="notice notice-error" role="alert">
          {loadError}
        </p>
        <Link href={BASE}>{t('backToQueue')}</Link>
      </section>
    );
  if (!item) return <p class="loading">{t('loading')}</p>;

  // A deadline matters while the item is open.
  const left = OPEN_STATUSES.includes(item.status) ? timeLeft(item.dueAt, item.overdue) : null;
  const c = item.classification;
  const topics = Array.isArray(c.topics) ? c.topics : c.topics ? [c.topics] : [];
  const rows: [string, string, Classified | null][] = [
    [t('center'), names.center(c.center?.code ?? null), c.center],
    [t('service'), names.service(c.service?.code ?? null), c.service],
    ...topics.map((x): [string, string, Classified] => [t('topic'), names.topic(x.code), x]),
    [t('kind'), names.kind(c.kind?.code ?? null), c.kind],
  ];
  // The API gives sentiment as a score from -1 to 1 (docs/staff-api.md shows it as a field).
  if (typeof c.sentiment === 'number')
    rows.push([
      t('sentiment'),
      `${label('sentiment', sentimentOf(c.sentiment))} (${c.sentiment})`,
      null,
    ]);
  else if (c.sentiment)
    rows.push([t('sentiment'), label('sentiment', c.sentiment.code), c.sentiment]);

  return (
    <section class="item" data-screen="item" data-status={item.status}>
      <Link class="back" href={BASE}>
        ← {t('backToQueue')}
      </Link>
      <div class="item-head">
        <h1 tabIndex={-1}>
          {t('feedback')} <span class="code">{item.trackingCode}</span>
        </h1>
        <StatusBadge status={item.status} />
        {left && (
          <span class={left.overdue ? 'badge badge-overdue' : 'badge'}>
            {left.overdue ? left.text : `${t('timeLeft')}: ${left.text}`}
          </span>
        )}
        {item.needsTriage && <span class="badge badge-triage">{t('needsTriage')}</span>}
      </div>
      <Notice notice={notice} />
      <div class="item-grid">
        <div class="item-main">
          <section class="card" aria-labelledby="h-text">
            <h2 id="h-text">{t('rawText')}</h2>
            {item.text ? (
              <p class="raw-text" lang={textLang(item.text.raw)}>
                {item.text.raw}
              </p>
            ) : (
              <p class="muted">{t('noText')}</p>
            )}
            {item.text && item.text.normalized !== item.text.raw && (
              <>
                <h3>{t('normalizedText')}</h3>
                <p class="normalized-text" lang={textLang(item.text.normalized)}>
                  {item.text.normalized}
                </p>
              </>
            )}
            {item.amountsKip && item.amountsKip.length > 0 && (
              <p>
                {t('amounts')}:{' '}
                {item.amountsKip.map((a) => `${a.toLocaleString('en')} ₭`).join(', ')}
              </p>
            )}
          </section>
          <section class="card" aria-labelledby="h-thread">
            <h2 id="h-thread">{t('thread')}</h2>
            <ol class="thread">
              {item.thread.map((e, n) => (
                <li key={n} class={`entry entry-${e.type}`}>
                  <div class="entry-head">
                    <strong>{label('thread', e.type)}</strong>
                    {e.by && <span>{e.by.email}</span>}
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                    {e.delivery && <DeliveryBadge delivery={e.delivery} />}
                  </div>
                  <p class="entry-text" lang={textLang(e.text)}>
                    {e.text}
                  </p>
                </li>
              ))}
            </ol>
          </section>
          {session.canAct && <ItemMessages item={item} act={act} />}
          <section class="card" aria-labelledby="h-history">
            <h2 id="h-history">{t('history')}</h2>
            {item.history.length ? <History entries={item.history} /> : <p class="muted">—</p>}
          </section>
        </div>
        <div class="item-side">
          <section class="card" aria-labelledby="h-details">
            <h2 id="h-details">{t('details')}</h2>
            <dl class="details">
              <dt>{t('trackingCode')}</dt>
              <dd class="code">{item.trackingCode}</dd>
              <dt>{t('citizenStatus')}</dt>
              <dd>{label('citizenStatus', item.citizenStatus)}</dd>
              <dt>{t('channel')}</dt>
              <dd>{label('channel', item.channel)}</dd>
              <dt>{t('rating')}</dt>
              <dd>{item.rating != null ? `${item.rating}/5` : '—'}</dd>
              <dt>{t('received')}</dt>
              <dd>{formatDateTime(item.receivedAt)}</dd>
              <dt>{t('due')}</dt>
              <dd>{item.dueAt ? formatDateTime(item.dueAt) : '—'}</dd>
              <dt>{t('assignee')}</dt>
              <dd>{item.assignee ? item.assignee.email : t('unassigned')}</dd>
              <dt>{t('center')}</dt>
              <dd>{names.center(item.centerCode)}</dd>
              <dt>{t('service')}</dt>
              <dd>{names.service(item.serviceCode)}</dd>
              <dt>{t('kind')}</dt>
              <dd>{names.kind(item.kind)}</dd>
              <dt>{t('topics')}</dt>
              <dd>{item.topics.length ? item.topics.map(names.topic).join(', ') : '—'}</dd>
              {item.contact && (
                <>
                  <dt>{t('contact')}</dt>
                  <dd class="contact">
                    <Contact contact={item.contact} />
                  </dd>
                </>
              )}
              {item.resolutionNote && (
                <>
                  <dt>{t('resolutionNote')}</dt>
                  <dd class="pre" lang={textLang(item.resolutionNote)}>
                    {item.resolutionNote}
                  </dd>
                </>
              )}
              {item.duplicateOf && (
                <>
                  <dt>{t('duplicateOf')}</dt>
                  <dd>
                    <Link
                      class="code"
                      href={`${BASE}/feedback/${encodeURIComponent(item.duplicateOf)}`}
                    >
                      {item.duplicateOf}
                    </Link>
                  </dd>
                </>
              )}
              {item.satisfaction != null && (
                <>
                  <dt>{t('satisfaction')}</dt>
                  <dd>
                    {typeof item.satisfaction === 'number'
                      ? `${item.satisfaction}/5`
                      : formatValue(item.satisfaction)}
                  </dd>
                </>
              )}
            </dl>
          </section>
          <section class="card" aria-labelledby="h-class">
            <h2 id="h-class">{t('classification')}</h2>
            <table class="classification">
              <thead>
                <tr>
                  <th scope="col">{t('field')}</th>
                  <th scope="col">{t('value')}</th>
                  <th scope="col">{t('confidence')}</th>
                  <th scope="col">{t('method')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(([field, name, x], n) => (
                  <tr key={n}>
                    <th scope="row">{field}</th>
                    <td>
                      {name}
                      {x?.code && <span class="code sub"> {x.code}</span>}
                    </td>
                    <td class="num">{percent(x?.confidence)}</td>
                    <td>{x ? label('method', x.method) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {session.canAct ? (
            <ItemActions item={item} act={act} />
          ) : (
            <p class="muted">{t('readOnly')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function Contact({ contact }: { contact: NonNullable<FeedbackItem['contact']> }) {
  if (contact.kind === 'telegram') return <span>{t('telegramChat')}</span>;
  return (
    <span>
      <span dir="ltr" class="phone">
        {formatPhone(contact.value)}
      </span>
      {isMasked(contact.value) && <span class="sub"> ({t('masked')})</span>}
    </span>
  );
}

function sentimentOf(score: number): string {
  return score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
}
