/**
 * `GET /api/v1/exports/feedback.csv?…queue filters` (docs/staff-api.md "Exports"): every stored
 * feedback the queue filters and the caller's scope select, as CSV (shared/staff/csv.ts), streamed.
 *
 * The Redis queue index holds only the working set, so an export reads MongoDB (export-source.ts):
 * a bounded period (`from` and `to`) only that period's documents, found through the report days
 * and the rollup buckets' entries and read by `_id`; anything else one lean cursor over the
 * feedback collection (FerretDB filters nothing but an `_id` equality in SQLite, so it reads every
 * stored document). Each document is turned into its queue entry and kept or dropped by the same
 * predicate the queue uses (`buildQueueFilter`, where the scope is applied). Memory stays bounded:
 * rows go out in chunks of about CHUNK_CHARS, each write waiting for 'drain' when the socket is
 * full, and reading stops when the client goes away. Each export is audited when it ends, with
 * its filter, the rows written, what it read and whether the client aborted.
 */
import { Router, type Response } from 'express';
import { Errors } from '../../../shared/errors';
import { maskDigits, type Logger } from '../../../shared/logger';
import type { FeedbackModel } from '../../../shared/models/feedback.model';
import type { RollupModel } from '../../../shared/models/rollup.model';
import type { PiiVault } from '../../../shared/pii';
import type { ReportDays } from '../../../shared/reports/report-days';
import type { AuditLog } from '../../../shared/staff/audit-log';
import { CSV_BOM, csvLine } from '../../../shared/staff/csv';
import {
  EXPORT_COLUMNS,
  exportFileName,
  exportRow,
  type ExportViewer,
} from '../../../shared/staff/feedback-export';
import {
  buildQueueFilter,
  queueEntry,
  QueueQuerySchema,
  type QueueQuery,
} from '../../../shared/staff/queue-query';
import { can, scopeOf } from '../../../shared/staff/roles';
import { exportSource } from './export-source';
import { me, requireStaff } from './staff-session';

export const EXPORT_PATH = '/api/v1/exports/feedback.csv';
/** Rows are gathered into writes of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
/** …or when they have waited this long. */
const FLUSH_MS = 1000;

export interface ExportDeps {
  Feedback: FeedbackModel;
  audit: AuditLog;
  vault: PiiVault;
  log?: Logger;
  /**
   * The report days and the rollups: with both, a bounded export reads only its period's
   * documents (export-source.ts); without, every export scans the collection.
   */
  days?: Pick<ReportDays, 'refresh' | 'load'>;
  Rollup?: RollupModel;
}

function parseQuery(query: unknown): QueueQuery {
  const r = QueueQuerySchema.safeParse(query);
  if (!r.success)
    throw Errors.validation(
      r.error.issues.map((i) => ({
        field: String(i.path[0] ?? (i.code === 'unrecognized_keys' ? i.keys.join(',') : 'query')),
        message: i.message,
      })),
    );
  return r.data;
}

/**
 * The filter as the audit records it: what selected the rows. `sort`, `limit` and `cursor` are
 * accepted (the dashboard passes its queue's query string as it is) but select nothing; digit
 * runs in a search text are masked like everywhere numbers could appear.
 */
function auditedFilter(q: QueueQuery): Record<string, unknown> {
  const { sort: _s, limit: _l, cursor: _c, ...rest } = q;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  if (typeof out.q === 'string') out.q = maskDigits(out.q);
  return out;
}

/**
 * Writes text to the response in chunks, waiting for 'drain' (or the end of the connection). A
 * chunk goes out when it is CHUNK_CHARS long or FLUSH_MS old, so a selective filter over a slow
 * scan still shows progress; nothing goes out before the database has answered once, so a
 * database that is down is still a JSON 503.
 */
class ChunkedWriter {
  private lastFlush = 0;
  constructor(
    private readonly res: Response,
    private readonly gone: () => boolean,
    private buf: string,
  ) {}

  /** Adds text (or nothing: a read that matched no row) and writes out what is due. */
  async add(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= CHUNK_CHARS || (this.buf && Date.now() - this.lastFlush >= FLUSH_MS))
      await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf || this.gone()) return;
    const chunk = this.buf;
    this.buf = '';
    this.lastFlush = Date.now();
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  async end(): Promise<void> {
    await this.flush();
    // The client has gone: the response is over (and counted as such at shutdown).
    if (this.gone()) {
      this.res.destroy();
      return;
    }
    // Not end(callback): express-session wraps end() and takes a first argument as a chunk.
    const done = new Promise<void>((resolve) => {
      this.res.once('finish', resolve);
      this.res.once('close', resolve);
    });
    this.res.end();
    await done;
  }
}

export function exportRoutes(deps: ExportDeps): Router {
  const r = Router();

  r.get(EXPORT_PATH, requireStaff('read'), async (req, res) => {
    const who = me(req);
    const q = parseQuery(req.query);
    const now = new Date();
    const filter = buildQueueFilter(scopeOf(who), q, who.id, now.getTime());
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(now)}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') return void res.end();

    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) closed = true;
    });
    const out = new ChunkedWriter(
      res,
      () => closed || res.destroyed,
      CSV_BOM + csvLine(EXPORT_COLUMNS),
    );
    const viewer: ExportViewer = { role: who.role, open: (s) => deps.vault.decrypt(s) };
    let rows = 0;
    let failed = false;
    let error: unknown;
    // A center filter outside a manager's centers selects nothing: no need to read anything.
    const nothing = filter.centers !== null && filter.centers.length === 0;
    const source = exportSource(deps, scopeOf(who), q, () => closed);
    try {
      if (!nothing)
        for await (const doc of source.docs) {
          if (closed) break;
          if (!filter.keep(queueEntry(doc))) {
            await out.add('');
            continue;
          }
          await out.add(csvLine(exportRow(doc, viewer)));
          rows++;
        }
      await out.end();
    } catch (err) {
      failed = true;
      // Before the first chunk the error handler can still answer (a 503 when the database is
      // down); after it, the only honest signal left is a cut connection (no last chunk).
      if (!res.headersSent) error = err;
      else {
        deps.log?.error('export failed', {
          requestId: req.id,
          rows,
          error: err instanceof Error ? err.message : String(err),
        });
        res.destroy();
      }
    } finally {
      await source.docs.return().catch(() => undefined);
    }
    const { read } = source;
    if (read.scanFrom)
      deps.log?.warn('export read by day found buckets that do not list all they count', {
        requestId: req.id,
        scanFrom: read.scanFrom,
        fix: `npm run rollups:recount -- ${read.scanFrom} (and the days after it)`,
      });
    const aborted = closed && !failed;
    await deps.audit
      .record({
        actor: who,
        action: 'export',
        target: 'feedback.csv',
        ip: req.ip,
        details: {
          filter: auditedFilter(q),
          rows,
          read,
          aborted,
          ...(failed ? { failed: true } : {}),
          contact: can(who.role, 'contact') ? 'full' : 'masked',
        },
      })
      .catch((err: unknown) =>
        deps.log?.error('export audit failed', {
          requestId: req.id,
          rows,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    if (failed && !res.headersSent) {
      res.removeHeader('Content-Disposition');
      throw error;
    }
  });

  return r;
}
