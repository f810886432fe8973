/**
 * The shapes of the alerts, kiosk-health and monthly-report routes (docs/staff-api.md "Alerts and
 * kiosk health", "Monthly report") as the dashboard reads them: JSON, so times are ISO strings.
 * Only types come from the server's code; nothing of it enters the bundle.
 */
import type { AlertKind, AlertParams } from '../../../shared/reports/alerts';

export type { AlertKind, AlertParams };

/** The three kinds, in the order the screens list them (the server's ALERT_KINDS). */
export const ALERT_KINDS = [
  'satisfaction_below',
  'topic_up',
  'kiosk_silent',
] as const satisfies readonly AlertKind[];

/** The parameters each kind takes (alerts.routes.ts refuses the others). */
export const PARAMS_OF: Record<AlertKind, (keyof AlertParams)[]> = {
  satisfaction_below: ['threshold', 'days', 'minRated'],
  topic_up: ['percent', 'minCount'],
  kiosk_silent: ['hours'],
};

/**
 * What a rule means when a parameter is left out: the fallbacks of evaluateRule
 * (shared/reports/alerts.ts), which are also the default rules' values.
 */
export const PARAM_DEFAULTS: Required<AlertParams> = {
  threshold: 0.6,
  days: 7,
  minRated: 10,
  percent: 50,
  minCount: 5,
  hours: 24,
};

/** GET /api/v1/alerts → items. */
export interface AlertItem {
  id: string;
  ruleId: string;
  kind: AlertKind;
  /** A center code, a topic code or a tablet id. */
  subject: string;
  centerCode: string | null;
  value: number;
  threshold: number;
  /** topic_up: complaints in the last 7 days and the 7 before (null on older alerts). */
  count?: number | null;
  before?: number | null;
  since: string;
  lastEvaluatedAt: string;
  active: boolean;
  resolvedAt: string | null;
}

/** GET /api/v1/alerts/rules → items. */
export interface AlertRule {
  id: string;
  kind: AlertKind;
  params: AlertParams;
  /** The centers the rule watches; empty: all. */
  centers: string[];
  active: boolean;
}

export const KIOSK_STATES = ['silent', 'offline', 'unpaired', 'online', 'revoked'] as const;
export type KioskState = (typeof KIOSK_STATES)[number];

/** GET /api/v1/kiosks → items (kioskHealth in services/api/staff/alerts.routes.ts). */
export interface KioskHealth {
  id: string;
  centerCode: string;
  label: string | null;
  pairedAt: string | null;
  revokedAt: string | null;
  state: KioskState;
  lastHeartbeatAt: string | null;
  /** Whole hours since the last heartbeat; null when none came. */
  silentHours: number | null;
  appVersion: string | null;
  queued: number | null;
  rejected: number | null;
  misuse: number | null;
  lastSyncAt: string | null;
}

/** GET /api/v1/reports/monthly/stored → items. */
export interface StoredReport {
  month: string;
  scope: string;
  lang: 'lo' | 'en';
  size: number;
  pages: number;
  generatedAt: string;
  by: string;
  href: string;
}
