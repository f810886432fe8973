/** What the audit log records (shared by the server and the dashboard's filter). */
export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'password_change',
  'view_contact',
  'status_change',
  'correction',
  'assign',
  'note',
  'reply',
  'export',
  'user_create',
  'user_update',
  'device_pair',
  'device_revoke',
  'alert_rule',
  'catalog_create',
  'catalog_update',
  /** Personal data erased: by request (admin, `npm run erase`) or by the retention sweep. */
  'erase',
  /** A held item (over a rate limit, or flagged) released into the official figures. */
  'release_hold',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
