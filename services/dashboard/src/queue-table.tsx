/**
 * The queue's rows: a table on a wide screen, one card per item on a phone (the same markup; the
 * style sheet turns each row into a card and shows every cell's label beside it).
 */
import { label, t } from './i18n';
import { formatDateTime, textLang, timeLeft } from './format';
import { BASE, Link } from './router';
import { catalogNames, useSession } from './session';
import { OPEN_STATUSES, type QueueItem } from './types';
import { Cell, StatusBadge } from './ui';

interface Props {
  items: QueueItem[];
  selectable: boolean;
  selected: Set<string>;
  onToggle(code: string): void;
  onToggleAll(): void;
}

export function QueueTable({ items, selectable, selected, onToggle, onToggleAll }: Props) {
  const { catalog } = useSession();
  const names = catalogNames(catalog);
  const now = Date.now();
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.trackingCode));
  return (
    <table class="rtable queue-table">
      <thead>
        <tr>
          {selectable && (
            <th scope="col" class="col-select">
              <input
                type="checkbox"
                aria-label={t('selectAll')}
                checked={allSelected}
                onChange={onToggleAll}
              />
            </th>
          )}
          <th scope="col">{t('trackingCode')}</th>
          <th scope="col">
            {t('center')} / {t('service')}
          </th>
          <th scope="col">
            {t('channel')} / {t('kind')}
          </th>
          <th scope="col">{t('topics')}</th>
          <th scope="col">{t('rating')}</th>
          <th scope="col">{t('received')}</th>
          <th scope="col">{t('timeLeft')}</th>
          <th scope="col">{t('assignee')}</th>
          <th scope="col" class="col-excerpt">
            {t('excerpt')}
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => {
          const left = OPEN_STATUSES.includes(i.status) ? timeLeft(i.dueAt, i.overdue, now) : null;
          const checked = selected.has(i.trackingCode);
          return (
            <tr
              key={i.trackingCode}
              data-code={i.trackingCode}
              class={checked ? 'is-selected' : undefined}
            >
              {selectable && (
                <td class="col-select">
                  <input
                    type="checkbox"
                    aria-label={t('selectItem', { code: i.trackingCode })}
                    checked={checked}
                    onChange={() => onToggle(i.trackingCode)}
                  />
                </td>
              )}
              <td class="col-code">
                <Link class="code" href={`${BASE}/feedback/${encodeURIComponent(i.trackingCode)}`}>
                  {i.trackingCode}
                </Link>
                <StatusBadge status={i.status} />
                {i.needsTriage && <span class="badge badge-triage">{t('needsTriage')}</span>}
              </td>
              <Cell label={`${t('center')} / ${t('service')}`}>
                <span class={i.centerCode ? undefined : 'muted'}>{names.center(i.centerCode)}</span>
                <br />
                <span class="sub">{names.service(i.serviceCode)}</span>
              </Cell>
              <Cell label={`${t('channel')} / ${t('kind')}`}>
                {label('channel', i.channel)}
                <br />
                <span class="sub">{names.kind(i.kind)}</span>
              </Cell>
              <Cell label={t('topics')}>
                {i.topics.length ? i.topics.map(names.topic).join(', ') : '—'}
              </Cell>
              <Cell label={t('rating')}>
                {i.rating != null ? (
                  <span class="rating" aria-label={`${i.rating}/5`}>
                    {i.rating}/5
                  </span>
                ) : (
                  '—'
                )}
              </Cell>
              <Cell label={t('received')}>{formatDateTime(i.receivedAt)}</Cell>
              <Cell label={t('timeLeft')}>
                {left ? (
                  <span class={left.overdue ? 'time-left overdue' : 'time-left'}>{left.text}</span>
                ) : (
                  '—'
                )}
              </Cell>
              <Cell label={t('assignee')}>
                {i.assignee ? i.assignee.email : <span class="muted">{t('unassigned')}</span>}
              </Cell>
              <Cell label={t('excerpt')} class="col-excerpt">
                {i.excerpt ? (
                  <span lang={textLang(i.excerpt)} class="excerpt">
                    {i.excerpt}
                  </span>
                ) : (
                  <span class="muted">{t('noText')}</span>
                )}
              </Cell>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
