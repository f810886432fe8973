/**
 * An item's history: who changed what and when, newest last, with codes and people shown by
 * name (a person the staff list does not know shows as their id).
 */
import { formatDateTime, formatValue } from './format';
import { hasLabel, label, t } from './i18n';
import { catalogNames, useSession } from './session';
import type { HistoryEntry } from './types';
import { Cell } from './ui';

/** Actions whose from/to are ids of notes and messages, nothing to read. */
const NO_CHANGE = ['note', 'reply', 'survey_sent'];

export function History({ entries }: { entries: HistoryEntry[] }) {
  const { catalog, staff } = useSession();
  const names = catalogNames(catalog);
  const value = (field: string | undefined, v: unknown): string => {
    if (v == null || v === '') return '—';
    const s = String(v);
    if (field === 'status') return label('status', s);
    if (field === 'center') return names.center(s);
    if (field === 'service') return names.service(s);
    if (field === 'kind') return names.kind(s);
    if (field === 'topics' && Array.isArray(v))
      return v.length ? v.map((x) => names.topic(String(x))).join(', ') : '—';
    if (field === 'assignee' || field === 'assigneeId')
      return staff.find((p) => p.id === s)?.email ?? s;
    return formatValue(v);
  };
  const change = (h: HistoryEntry): string => {
    if (h.action === 'satisfaction') return `${formatValue(h.to)}/5`;
    if (NO_CHANGE.includes(h.action) || (h.from === undefined && h.to === undefined)) return '';
    const what = h.field && hasLabel('field', h.field) ? `${label('field', h.field)}: ` : '';
    const to = value(h.field, h.to);
    return h.from === undefined ? what + to : `${what}${value(h.field, h.from)} → ${to}`;
  };

  return (
    <table class="rtable history">
      <thead>
        <tr>
          <th scope="col">{t('when')}</th>
          <th scope="col">{t('who')}</th>
          <th scope="col">{t('action')}</th>
          <th scope="col">{t('change')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((h, n) => (
          <tr key={n} data-action={h.action}>
            <Cell label={t('when')}>{formatDateTime(h.at)}</Cell>
            <Cell label={t('who')}>{h.by ? h.by.email : t('system')}</Cell>
            <Cell label={t('action')}>{label('action', h.action)}</Cell>
            <Cell label={t('change')}>{change(h)}</Cell>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
