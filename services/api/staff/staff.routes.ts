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
import { AuditLog } from '../../../shared/staff/audit-log';
import { Deadlines } from '../../../shared/staff/deadlines';
import { NoticeBoard } from '../../../shared/staff/notices';
import { QueueIndex } from '../../../shared/staff/queue-index';
import { RollupWriter } from '../../../workers/intake/rollup-writer';
import { jsonBody } from '../middleware/http';
import { adminRoutes } from './admin.routes';
import { authRoutes } from './auth.routes';
import { feedbackRoutes } from './feedback.routes';
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
  notifyQueue: Queue<NotifyJob>;
  log?: Logger;
}

export function staffRoutes(deps: StaffDeps): Router {
  const { config, conn, redis } = deps;
  const Users = staffUserModel(conn);
  const audit = new AuditLog(auditModel(conn));
  // Staff writes are few: the lock serialises them with the intake on every backend (on FerretDB
  // it is needed, on MongoDB it costs one Redis round trip).
  const lock = new RedisLock(redis, config.queuePrefix);
  const workspace = new Workspace({
    Feedback: feedbackModel(conn),
    Users,
    Outbound: outboundMessageModel(conn),
    Alias: aliasModel(conn),
    index: new QueueIndex(redis, config.queuePrefix),
    audit,
    rollups: new RollupWriter(rollupModel(conn), lock),
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
  r.use(
    adminRoutes({
      Users,
      audit,
      catalog: deps.catalog,
      notices: new NoticeBoard(redis, config.queuePrefix),
    }),
  );
  return r;
}
