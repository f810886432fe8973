/**
 * Bulk actions on the selected rows: assign, set a status, mark as spam, through
 * POST /api/v1/feedback/bulk; on the held view, release (POST /api/v1/feedback/release). Each item
 * succeeds or fails on its own; the summary names failures.
 */
import { useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { label, t } from './i18n';
import { useSession } from './session';
import type { StaffStatus } from './types';

export interface BulkResult {
  trackingCode: string;
  ok: boolean;
  error?: { code?: string; message?: string } | string;
}

/** Statuses that need nothing more than the move (resolved needs a note, duplicate a code). */
const BULK_STATUSES: StaffStatus[] = ['triaged', 'in_progress', 'closed', 'spam'];

interface Props {
  codes: string[];
  /** The queue shows held items only: offer to release them. */
  held?: boolean;
  onDone(results: BulkResult[] | null, error?: string): void;
  onClear(): void;
}

export function BulkBar({ codes, held, onDone, onClear }: Props) {
  const { staff } = useSession();
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (set: { status?: string; assigneeId?: string | null } | 'release') => {
    setBusy(true);
    try {
      const r =
        set === 'release'
          ? await api.post<{ results: BulkResult[] }>('/feedback/release', { trackingCodes: codes })
          : await api.post<{ results: BulkResult[] }>('/feedback/bulk', {
              trackingCodes: codes,
              set,
            });
      onDone(r.results);
    } catch (e) {
      onDone(null, errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="bulk" aria-label={t('bulkActions')}>
      <strong class="bulk-count">{t('selected', { n: codes.length })}</strong>
      {held && (
        <button
          type="button"
          data-action="bulk-release"
          disabled={busy}
          onClick={() => run('release')}
        >
          {t('releaseSelected')}
        </button>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (assignee) void run({ assigneeId: assignee === 'none' ? null : assignee });
        }}
      >
        <label for="bulk-assignee">{t('bulkAssign')}</label>
        <select
          id="bulk-assignee"
          value={assignee}
          onChange={(e) => setAssignee(e.currentTarget.value)}
        >
          <option value="">{t('choose')}</option>
          <option value="none">{t('unassigned')}</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.email}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !assignee}>
          {t('apply')}
        </button>
      </form>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (status) void run({ status });
        }}
      >
        <label for="bulk-status">{t('bulkStatus')}</label>
        <select id="bulk-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">{t('choose')}</option>
          {BULK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {label('status', s)}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !status}>
          {t('apply')}
        </button>
      </form>
      <button type="button" class="danger" disabled={busy} onClick={() => run({ status: 'spam' })}>
        {t('markSpam')}
      </button>
      <button type="button" class="link-button" onClick={onClear}>
        {t('clearSelection')}
      </button>
    </section>
  );
}

/** "3 updated, 1 failed." plus each failure's code and reason. */
export function bulkSummary(results: BulkResult[]): string {
  const failed = results.filter((r) => !r.ok);
  const head = t('bulkDone', { ok: results.length - failed.length, failed: failed.length });
  const why = failed.map((r) => {
    const e = r.error;
    const reason = typeof e === 'string' ? e : (e?.code ?? e?.message ?? '');
    return `${r.trackingCode}${reason ? ` (${reason})` : ''}`;
  });
  return why.length ? `${head} ${why.join(', ')}` : head;
}
