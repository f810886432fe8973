/**
 * The queue board for admins at `/admin/queues` (bull-board: https://github.com/felixmosh/bull-board):
 * every queue of the platform with its waiting, active, delayed, completed and failed jobs, and the
 * admin's retry / remove / clean actions. Only a signed-in admin sees it (staff session, `admin`
 * ability): no session 401, another role 403.
 *
 * The board's own scripts call its API without our X-CSRF-Token, so a state-changing request to it
 * must instead come from this site: its Origin header must be present and ours (the session cookie
 * is SameSite=Lax as well). Job payloads hold only sealed personal data (ARCHITECTURE.md).
 */
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import type IORedis from 'ioredis';
import type { Config } from '../../../shared/config';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import { can } from '../../../shared/staff/roles';
import { loadStaff, staffSession, StaffErrors } from './staff-session';

export const QUEUE_BOARD_PATH = '/admin/queues';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A signed-in admin; a state-changing request must carry this site's Origin. */
function requireAdmin(publicBaseUrl: string): RequestHandler {
  const ours = new URL(publicBaseUrl).origin;
  return (req, _res, next) => {
    if (!req.staff) return next(StaffErrors.unauthenticated());
    if (!can(req.staff.role, 'admin')) return next(StaffErrors.forbidden());
    if (!SAFE.has(req.method)) {
      const origin = req.get('origin');
      const own = `${req.protocol}://${req.get('host') ?? ''}`;
      if (!origin || (origin !== ours && origin !== own)) return next(StaffErrors.csrf());
    }
    next();
  };
}

/**
 * The board's page sets `<base href>` and loads its own scripts and styles from its static folder:
 * its CSP allows a same-origin base, nothing else more than the platform's.
 */
const boardHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  );
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function queueBoard(deps: {
  config: Config;
  redis: IORedis;
  Users: StaffUserModel;
  queues: Queue[];
}): Router {
  // Loaded on the first admin's visit, not at every start (the board's modules are heavy).
  let board: Promise<RequestHandler> | null = null;
  const build = async (): Promise<RequestHandler> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: deps.queues.map((q) => new BullMQAdapter(q)),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'ODSC queues' } },
    });
    return adapter.getRouter() as RequestHandler;
  };
  const lazyBoard: RequestHandler = (req, res, next) => {
    board ??= build();
    board.then((h) => h(req, res, next), next);
  };
  const r = Router();
  r.use(
    QUEUE_BOARD_PATH,
    staffSession(deps.config, deps.redis),
    loadStaff(deps.Users),
    requireAdmin(deps.config.publicBaseUrl),
    boardHeaders,
    lazyBoard,
  );
  return r;
}
