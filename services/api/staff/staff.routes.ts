/**
 * The taskforce workspace's API, assembled: the session (Redis) and the signed-in account are
 * loaded only on staff paths — the citizen routes beside them never touch a session.
 */
import { Router, type RequestHandler } from 'express';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import type { Queue } from 'bullmq';
import type { CatalogView } from '../../../shared/catalog/catalog';
import type { Config } from '../../../shared/config';
import type { Logger } from '../../../shared/logger';
import { aliasModel } from '../../../shared/models/alias.model';
import { auditModel } from '../../../shared/models/audit.model';
import { feedbackModel } from '../../../shared/models/feedback.model';
import { outboundMessageModel } from '../../../shared/models/outbound-message.model';
import { rollupModel } from '../../../shared/models/rollup.model';
import { staffUserModel } from '../../../shared/models/staff-user.model';
import type { NotifyJob } from '../../../shared/notify';
import type { PiiVault } from '../../../shared/pii';
import { RedisLock } from '../../../shared/redis-lock';
import { ReportMarks } from '../../../shared/reports/report-days';
import { AuditLog } from '../../../shared/staff/audit-log';
import { Deadlines } from '../../../shared/staff/deadlines';
import { NoticeBoard } from '../../../shared/staff/notices';
import { QueueIndex } from '../../../shared/staff/queue-index';
import { RollupWriter } from '../../../workers/intake/rollup-writer';
import { jsonBody } from '../middleware/http';
import { adminRoutes } from './admin.routes';
import { privacyRoutes } from './privacy.routes';
import { createIntakeQueue } from '../../../shared/queues';
import { catalogAdminRoutes } from './catalog.routes';
import { catalogModels } from '../../../shared/models/catalog.model';
import { authRoutes } from './auth.routes';
import { exportRoutes } from './export.routes';
import { feedbackRoutes } from './feedback.routes';
import { reportRoutes } from './reports.routes';
import { alertRoutes } from './alerts.routes';
import { alertModel, alertRuleModel } from '../../../shared/reports/alerts';
import { kioskDeviceModel } from '../../../shared/models/kiosk-device.model';
import { monthlyReportRoutes } from './monthly-report';
import { monthlyReportModel } from '../../../shared/models/monthly-report.model';
import type { Figures } from '../../../shared/reports/figures';
import { LoginThrottle } from './login-throttle';
import { loadStaff, staffSession } from './staff-session';
import { Workspace } from './workspace';

export const STAFF_PATHS = [
  '/api/v1/auth',
  '/api/v1/feedback',
  '/api/v1/users',
  '/api/v1/audit',
  '/api/v1/staff',
  '/api/v1/reply-templates',
  '/api/v1/catalog',
  '/api/v1/notices',
  '/api/v1/privacy',
  '/api/v1/exports',
  '/api/v1/reports',
  '/api/v1/alerts',
  '/api/v1/kiosks',
];

function hasBody(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

export interface StaffDeps {
  config: Config;
  conn: Connection;
  redis: IORedis;
  vault: PiiVault;
  catalog: () => Promise<CatalogView>;
  /** An admin changed the catalog: the caller's cache reads it again (services/api/catalog-cache.ts). */
  catalogChanged?: () => void;
  notifyQueue: Queue<NotifyJob>;
  /** The figures of the dashboard and reports (shared/reports/figures.ts). */
  figures: Figures;
  log?: Logger;
}

export function staffRoutes(deps: StaffDeps): Router {
  const { config, conn, redis } = deps;
  const Users = staffUserModel(conn);
  const audit = new AuditLog(auditModel(conn));
  // Staff writes are few: the lock serialises them with the intake on every backend (on FerretDB
  // it is needed, on MongoDB it costs one Redis round trip).
  const lock = new RedisLock(redis, config.queuePrefix);
  const marks = new ReportMarks(redis, config.queuePrefix);
  const workspace = new Workspace({
    Feedback: feedbackModel(conn),
    Users,
    Outbound: outboundMessageModel(conn),
    Alias: aliasModel(conn),
    index: new QueueIndex(redis, config.queuePrefix),
    audit,
    rollups: new RollupWriter(rollupModel(conn), lock, { marks }),
    marks,
    lock,
    catalog: deps.catalog,
    notifyQueue: deps.notifyQueue,
    deadlines: Deadlines.fromConfig(config),
    vault: deps.vault,
    redis,
    prefix: config.queuePrefix,
    log: deps.log,
  });
  const r = Router();
  const json = jsonBody(config.maxBodyBytes);
  // A bodiless POST (logout) needs no Content-Type; a body of another type is still a 415.
  const staffJson: RequestHandler = (req, res, next) =>
    !hasBody(req) ? next() : json[0]!(req, res, (e) => (e ? next(e) : json[1]!(req, res, next)));
  r.use(STAFF_PATHS, staffJson, staffSession(config, redis), loadStaff(Users));
  r.use(
    authRoutes({
      Users,
      audit,
      throttle: new LoginThrottle(redis, config.queuePrefix, config.staff),
    }),
  );
  r.use(feedbackRoutes(workspace));
  r.use(reportRoutes(deps.figures));
  r.use(
    alertRoutes({
      Rules: alertRuleModel(conn),
      Alerts: alertModel(conn),
      Devices: kioskDeviceModel(conn),
      audit,
      heartbeatS: config.kiosk.heartbeatS,
    }),
  );
  r.use(
    monthlyReportRoutes({
      figures: deps.figures,
      Feedback: feedbackModel(conn),
      Stored: monthlyReportModel(conn),
      catalog: deps.catalog,
      chromiumPath: config.reports.chromiumPath,
    }),
  );
  r.use(
    exportRoutes({
      Feedback: feedbackModel(conn),
      audit,
      vault: deps.vault,
      log: deps.log,
      days: deps.figures.reportDays,
      Rollup: rollupModel(conn),
    }),
  );
  r.use(
    catalogAdminRoutes({
      models: catalogModels(conn),
      audit,
      changed: () => deps.catalogChanged?.(),
    }),
  );
  r.use(
    adminRoutes({
      Users,
      audit,
      catalog: deps.catalog,
      notices: new NoticeBoard(redis, config.queuePrefix),
    }),
  );
  let intakeQueue: Queue | undefined;
  r.use(
    privacyRoutes({
      conn,
      redis,
      vault: deps.vault,
      queuePrefix: config.queuePrefix,
      queues: () => [(intakeQueue ??= createIntakeQueue(config, redis)), deps.notifyQueue],
      audit,
    }),
  );
  return r;
}
