/**
 * The CSV export on the embedded store (`npm run bench:export`): a scratch FerretDB (with the _id
 * indexes `npm start` adds) is filled by seed:demo — BENCH_EXPORT_TOTAL feedback (default 50,000)
 * over BENCH_EXPORT_MONTHS months (default 12), with their rollups and report days — and one
 * month (the last whole one) is exported through the route two ways, over a real socket:
 *   - by the scan: the route wired without the report days, as every export was before — one
 *     cursor over the whole collection, whatever the period;
 *   - by day: the period's documents found through the report days and the buckets' entries and
 *     read by _id (services/api/staff/export-source.ts);
 * for all centers and for the busiest one, then one day, and the month by day read by a slow
 * client (BENCH_EXPORT_SLOW_MS per chunk), which the route must wait for ('drain'). The two ways
 * must give the same rows (compared as sorted records): a difference is a failure, written to the
 * results, and the process exits 1. Memory is this process's (the route runs in it), sampled every
 * 20 ms. Results: bench/results/export.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { loadConfig } from '../shared/config';
import { startScratchServers } from './scratch-servers';
import { connectMongo } from '../shared/db/mongo';
import { createLogger } from '../shared/logger';
import { auditModel } from '../shared/models/audit.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { rollupModel } from '../shared/models/rollup.model';
import { PiiVault } from '../shared/pii';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { monthDays, previousMonth, today } from '../shared/reports/metrics';
import { reportDaysFor } from '../shared/reports/report-days';
import { AuditLog, type AuditEntry } from '../shared/staff/audit-log';
import { Deadlines } from '../shared/staff/deadlines';
import { QueueIndex } from '../shared/staff/queue-index';
import { prepareDemoCollections, seedDemo } from '../scripts/demo/demo-writer';
import { indexFerretIds } from '../scripts/storage';
import { errorHandler } from '../services/api/middleware/http';
import type { ExportRead } from '../services/api/staff/export-source';
import { EXPORT_PATH, exportRoutes, type ExportDeps } from '../services/api/staff/export.routes';

const TOTAL = Number(process.env.BENCH_EXPORT_TOTAL ?? 50_000);
const MONTHS = Number(process.env.BENCH_EXPORT_MONTHS ?? 12);
const SLOW_MS = Number(process.env.BENCH_EXPORT_SLOW_MS ?? 20);
const PII_KEY = 'd'.repeat(64);
const ROOT = path.resolve(__dirname, '..', '..');
const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

/** Keeps each export's audit details (what it read) instead of writing them. */
class KeptAudit extends AuditLog {
  last: AuditEntry | null = null;
  override async record(e: AuditEntry): Promise<void> {
    this.last = e;
  }
}

/** Peak memory while fn runs (MiB), sampled every 20 ms. */
async function sampled<T>(fn: () => Promise<T>) {
  global.gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const t = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  const start = process.hrtime.bigint();
  const value = await fn();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(t);
  return {
    value,
    s: Math.round(s * 100) / 100,
    heapBaseMiB: mib(base.heapUsed),
    heapPeakMiB: mib(heap),
    rssPeakMiB: mib(rss),
  };
}

/** The body's records (RFC 4180: a CRLF inside quotes belongs to the field), header first. */
function records(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quotes = 0;
  for (const line of body.split('\r\n')) {
    cur = cur ? `${cur}\r\n${line}` : line;
    for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) quotes++;
    if (quotes % 2 === 0) {
      out.push(cur);
      cur = '';
      quotes = 0;
    }
  }
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Reads an export; `slowMs` pauses the socket after each chunk. */
function download(
  url: string,
  slowMs = 0,
): Promise<{ status: number; bytes: number; chunks: number; rows: string[] }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          parts.push(d);
          if (slowMs) {
            res.pause();
            setTimeout(() => res.resume(), slowMs);
          }
        });
        res.on('end', () => {
          const body = Buffer.concat(parts);
          resolve({
            status: res.statusCode ?? 0,
            bytes: body.length,
            chunks: parts.length,
            rows: records(body.subarray(3).toString('utf8')).slice(1),
          });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The export route as a taskforce member reaches it, on its own port. */
async function serve(deps: ExportDeps) {
  const app = express();
  app.use((req, _res, next) => {
    req.id = 'bench';
    req.staff = { id: 'u1', email: 'tf@bench', role: 'taskforce', centers: [] };
    next();
  });
  app.use(exportRoutes(deps));
  app.use(errorHandler(createLogger('bench', 'silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${EXPORT_PATH}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function main() {
  const { scratch, ferret, redisServer, prefix } = await startScratchServers('export', 'benche');
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    MONGO_URL: `mongodb://127.0.0.1:${ferret.port}/benchexport`,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: prefix,
    PII_KEY,
    DATA_DIR: scratch,
    LOG_LEVEL: 'warn',
  });
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  const failures: string[] = [];
  const servers: { close(): Promise<unknown> }[] = [];
  try {
    console.log(`seeding ${TOTAL.toLocaleString('en')} feedback over ${MONTHS} months…`);
    await prepareDemoCollections(conn);
    indexFerretIds(ferret.sqliteDir!);
    const now = Date.now();
    const seeded = await seedDemo(
      { conn, redis, prefix, config, log: (l) => console.log(l) },
      { items: TOTAL, months: MONTHS, seed: 1, now },
    );
    indexFerretIds(ferret.sqliteDir!);

    const Feedback = feedbackModel(conn);
    const vault = new PiiVault(config.piiKey);
    const scanAudit = new KeptAudit(auditModel(conn));
    const dayAudit = new KeptAudit(auditModel(conn));
    const scan = await serve({ Feedback, audit: scanAudit, vault });
    const byDay = await serve({
      Feedback,
      audit: dayAudit,
      vault,
      days: reportDaysFor(
        conn,
        redis,
        prefix,
        Deadlines.fromConfig(config).calendar,
        new RedisLock(redis, prefix),
      ),
      Rollup: rollupModel(conn),
    });
    servers.push(scan, byDay);

    const month = monthDays(previousMonth(today(now).slice(0, 7)));
    const period = `?from=${month.from}&to=${month.to}`;
    type Run = Awaited<ReturnType<typeof sampled<Awaited<ReturnType<typeof download>>>>>;
    const report = (r: Run, read: ExportRead | undefined) => ({
      rows: r.value.rows.length,
      bytes: r.value.bytes,
      chunks: r.value.chunks,
      s: r.s,
      rowsPerS: Math.round(r.value.rows.length / Math.max(0.001, r.s)),
      read,
      heapBaseMiB: r.heapBaseMiB,
      heapPeakMiB: r.heapPeakMiB,
      rssPeakMiB: r.rssPeakMiB,
    });
    const readOf = (a: KeptAudit) => a.last?.details?.read as ExportRead | undefined;
    const compare = (label: string, a: Run, b: Run) => {
      const x = [...a.value.rows].sort();
      const y = [...b.value.rows].sort();
      const equal =
        a.value.status === 200 &&
        b.value.status === 200 &&
        x.length === y.length &&
        x.every((r, i) => r === y[i]);
      if (!equal)
        failures.push(`${label}: by day ${x.length} rows, by the scan ${y.length}, not the same`);
      return equal;
    };

    console.log(`one month (${month.from} … ${month.to}), all centers: by the scan…`);
    const scanAll = await sampled(() => download(scan.url + period));
    const scanAllRead = readOf(scanAudit);
    console.log('… by day');
    const dayAll = await sampled(() => download(byDay.url + period));
    const dayAllRead = readOf(dayAudit);
    // The busiest center of the month, from the rows themselves (centerCode is the 5th column).
    const perCenter = new Map<string, number>();
    for (const r of scanAll.value.rows) {
      const c = r.split(',')[4]!;
      perCenter.set(c, (perCenter.get(c) ?? 0) + 1);
    }
    const center = [...perCenter].sort((a, b) => b[1] - a[1])[0]![0];
    const centerQuery = `${period}&center=${center}`;
    console.log(`one month, ${center}: by the scan…`);
    const scanCenter = await sampled(() => download(scan.url + centerQuery));
    const scanCenterRead = readOf(scanAudit);
    console.log('… by day');
    const dayCenter = await sampled(() => download(byDay.url + centerQuery));
    const dayCenterRead = readOf(dayAudit);
    const oneDay = `?from=${month.to}&to=${month.to}`;
    console.log('one day, by day; the month by day to a slow client…');
    const dayOne = await sampled(() => download(byDay.url + oneDay));
    const dayOneRead = readOf(dayAudit);
    const daySlow = await sampled(() => download(byDay.url + period, SLOW_MS));
    const daySlowRead = readOf(dayAudit);

    const result = {
      at: new Date().toISOString(),
      node: process.version,
      cores: os.cpus().length,
      loadAvg: os.loadavg().map((x) => Math.round(x * 10) / 10),
      stored: seeded.inserted,
      months: MONTHS,
      seedS: seeded.seconds.total,
      month,
      monthAll: {
        scan: report(scanAll, scanAllRead),
        byDay: report(dayAll, dayAllRead),
        speedup: Math.round((scanAll.s / Math.max(0.001, dayAll.s)) * 10) / 10,
        sameRows: compare('month, all centers', dayAll, scanAll),
      },
      monthOneCenter: {
        center,
        scan: report(scanCenter, scanCenterRead),
        byDay: report(dayCenter, dayCenterRead),
        speedup: Math.round((scanCenter.s / Math.max(0.001, dayCenter.s)) * 10) / 10,
        sameRows: compare(`month, ${center}`, dayCenter, scanCenter),
      },
      oneDayByDay: { day: month.to, ...report(dayOne, dayOneRead) },
      monthByDaySlowClient: { slowMsPerChunk: SLOW_MS, ...report(daySlow, daySlowRead) },
      failures,
    };
    if (daySlow.value.rows.length !== dayAll.value.rows.length)
      failures.push('the slow client got another number of rows');
    console.log(JSON.stringify(result, null, 2));
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'export.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('written: bench/results/export.json');
  } finally {
    for (const s of servers) await s.close().catch(() => undefined);
    await new QueueIndex(redis, prefix).clear().catch(() => undefined);
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    for (let i = 0; i < keys.length; i += 500)
      await redis.del(...keys.slice(i, i + 500)).catch(() => undefined);
    redis.disconnect();
    await conn.close();
    await ferret.stop();
    await redisServer.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
