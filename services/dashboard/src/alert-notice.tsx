/**
 * The notices panel's entries for an alert that opened (shared/staff/notices.ts AlertNotice: what
 * it is about and its figure, Lao first, with a link to the alerts screen) and for a kind of notice
 * this version of the app does not know yet: shown as a plain notice with its time, never as a
 * broken overdue entry.
 */
import type { ComponentChildren } from 'preact';
import { alertFigure } from './alert-format';
import { alertSubject } from './alert-subject';
import { formatDateTime } from './format';
import { t } from './i18n';
import { ti, tl } from './insight-i18n';
import type { AlertKind } from './insight-types';
import { BASE, Link } from './router';
import { catalogNames } from './session';
import type { Catalog } from './types';

export interface AlertNotice {
  id: string;
  at: string;
  kind: 'alert';
  alertId: string;
  alertKind: AlertKind;
  subject: string;
  centerCode: string | null;
  value: number;
  threshold: number;
  count?: number;
  before?: number;
}

/** Any notice as it comes from GET /api/v1/notices, kind unknown. */
export interface SomeNotice {
  id: string;
  at: string;
  kind: string;
}

function Entry(props: {
  x: SomeNotice;
  fresh: boolean;
  head: ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <li
      class={props.fresh ? 'notice-entry fresh' : 'notice-entry'}
      data-notice={props.x.id}
      data-kind={props.x.kind}
    >
      <div class="notice-entry-head">
        {props.head}
        {props.fresh && <span class="badge badge-new">{t('noticeNew')}</span>}
      </div>
      {props.children}
      <p class="sub">
        {t('noticeAt')} <time dateTime={props.x.at}>{formatDateTime(props.x.at)}</time>
      </p>
    </li>
  );
}

export function AlertEntry({
  x,
  fresh,
  catalog,
}: {
  x: AlertNotice;
  fresh: boolean;
  catalog: Catalog;
}) {
  const s = alertSubject(
    { kind: x.alertKind, subject: x.subject, centerCode: x.centerCode },
    catalogNames(catalog),
  );
  const f = alertFigure({ ...x, kind: x.alertKind });
  return (
    <Entry
      x={x}
      fresh={fresh}
      head={
        <Link href={`${BASE}/alerts`} class="notice-alert-link">
          {ti('noticeAlert', { kind: tl('alertKind', x.alertKind) })}
        </Link>
      }
    >
      <p class="notice-text">
        <strong>{s.text}</strong>
        {s.where && <span class="notice-center"> · {s.where}</span>}
      </p>
      <p class="notice-text">{f.main}</p>
    </Entry>
  );
}

/** A notice of a kind this app does not know: its time, and the word "notice". */
export function OtherEntry({ x, fresh }: { x: SomeNotice; fresh: boolean }) {
  return <Entry x={x} fresh={fresh} head={<strong>{ti('noticeOther')}</strong>} />;
}
