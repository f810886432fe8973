/** Small pieces every screen uses: status and delivery badges, the confirmation line, a field. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { label, t } from './i18n';

export type NoticeValue = { kind: 'ok' | 'error'; text: string } | null;

/** A confirmation that fades after a few seconds, or an error that stays until the next action. */
export function useNotice(): [
  NoticeValue,
  (kind: 'ok' | 'error', text: string) => void,
  () => void,
] {
  const [notice, setNotice] = useState<NoticeValue>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const show = (kind: 'ok' | 'error', text: string) => {
    window.clearTimeout(timer.current);
    setNotice({ kind, text });
    if (kind === 'ok') timer.current = window.setTimeout(() => setNotice(null), 6000);
  };
  return [notice, show, () => setNotice(null)];
}

/** Announced to screen readers: politely for confirmations, at once for errors. */
export function Notice({ notice }: { notice: NoticeValue }) {
  return (
    <div class="notice-slot" aria-live="polite">
      {notice && (
        <p
          class={`notice notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          {notice.text}
        </p>
      )}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{label('status', status)}</span>;
}

export function DeliveryBadge({ delivery }: { delivery: string }) {
  return <span class={`badge delivery-${delivery}`}>{label('delivery', delivery)}</span>;
}

/** A label above its control; `hint` is tied to the control for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/**
 * A table cell that becomes "label: value" on a phone (the style sheet shows data-label); the
 * value is one box, so a cell with several lines stays in the value column.
 */
export function Cell(props: { label: string; class?: string; children?: ComponentChildren }) {
  return (
    <td data-label={props.label} class={props.class}>
      <div class="cell">{props.children}</div>
    </td>
  );
}

/** The foot of a paged list: how many are shown, and "Load more" while there is a next page. */
export function ListFoot(props: {
  shown: number;
  cursor: string | null;
  loading: boolean;
  onMore: () => void;
}) {
  return (
    <div class="list-foot">
      <span class="muted">{t('shown', { n: props.shown })}</span>
      {props.cursor && (
        <button type="button" onClick={props.onMore} disabled={props.loading}>
          {props.loading ? t('loading') : t('loadMore')}
        </button>
      )}
    </div>
  );
}
