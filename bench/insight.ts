/**
 * `npm run bench:insight` (also part of `npm run bench`): the taskforce's insight on the embedded
 * store. A scratch FerretDB is filled by seed:demo (default 100,000 items over 24 months;
 * `--items`, `--months`), or a database seeded before is used (`--db-url <url> --prefix
 * <QUEUE_PREFIX>`, with PII_KEY set as it was seeded). Then each figure the dashboard asks for —
 * the headline for the last 30 days (all centers, and the busiest center), the center league table
 * for the last 30 days, the overview of the last 12 months — is timed over `--runs` calls
 * (default 30) after a first, cold one, the calls split into BENCH_REPEATS rounds (default 3, as
 * `npm run bench`): each round gives its p50/p95/p99, and the figure is the median round's with
 * the spread [min, max] of the rounds and every round's value:
 *   - through `Figures` in this process (the report days, read by `_id`),
 *   - through HTTP, the api as its own process, with a signed-in taskforce session;
 * beside the same figures summed from one scan of the feedback collection (shared/reports/
 * scan-figures.ts), timed, and CHECKED against the report days: received, rating average,
 * satisfied share, complaints open / overdue / resolved, resolved on time, per center too. A
 * difference is a failure: it is written to the results and the process exits 1.
 * Then the monthly report PDF (after a first render, BENCH_REPEATS rounds of at least 3 renders,
 * 6 in all at least: the median round's p50) and the CSV export of about 100,000 rows streamed
 * from a fresh api process, with that process's memory (one export: it takes minutes).
 * Results: a table on stdout, then bench/results/insight.json (`--out <name>` for another file
 * there, or `--out <folder>/<name>` for a path from the working folder).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadCatalogView, type CatalogView } from '../shared/catalog/catalog';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { catalogModels } from '../shared/models/catalog.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { Figures, type CenterLine, type Summary } from '../shared/reports/figures';
import { addDays, previousMonth, today } from '../shared/reports/metrics';
import { reportDaysFor } from '../shared/reports/report-days';
import { lineDifferences, scanPeriods, type ScannedLine } from '../shared/reports/scan-figures';
import { Deadlines } from '../shared/staff/deadlines';
import { QueueIndex } from '../shared/staff/queue-index';
import { prepareDemoCollections, seedDemo } from '../scripts/demo/demo-writer';
import { ensureRedis, freePort, indexFerretIds, startFerretDb } from '../scripts/storage';
import { procMiB, startApi, streamExport, taskforceSession, timedGet } from './insight-http';

const ROOT = path.resolve(__dirname, '..', '..');
const PII_KEY = 'd'.repeat(64);
/** Rounds per figure, read as bench/run.ts reads it: the calls of a figure are split among them. */
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
/** Monthly PDF renders after the first: at least 3 a round, so that a round has a middle one. */
const PDF_RENDERS = Math.max(6, 3 * REPEATS);

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v =
    i >= 0
      ? Number(process.argv[i + 1])
      : Number(process.env[`BENCH_INSIGHT_${name.toUpperCase()}`] ?? def);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return v;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * p50 / p95 / p99 (nearest rank) of each round's timings in ms; the figure is the median of the
 * rounds, with their spread [min, max] and every round's value; the cold first call apart.
 */
function stats(cold: number, rounds: number[][]) {
  const per = rounds.map((ms) => {
    const s = [...ms].sort((a, b) => a - b);
    const p = (q: number) => r1(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
    return { p50Ms: p(0.5), p95Ms: p(0.95), p99Ms: p(0.99), maxMs: s.at(-1)! };
  });
  const of = (k: 'p50Ms' | 'p95Ms' | 'p99Ms') => per.map((x) => x[k]);
  const spread = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
  return {
    runs: rounds.reduce((n, ms) => n + ms.length, 0),
    coldMs: r1(cold),
    p50Ms: r1(median(of('p50Ms'))),
    p95Ms: r1(median(of('p95Ms'))),
    p99Ms: r1(median(of('p99Ms'))),
    maxMs: r1(Math.max(...per.map((x) => x.maxMs))),
    spread: { p50Ms: spread(of('p50Ms')), p95Ms: spread(of('p95Ms')), p99Ms: spread(of('p99Ms')) },
    rounds: { p50Ms: of('p50Ms'), p95Ms: of('p95Ms'), p99Ms: of('p99Ms') },
  };
}

/** `total` calls split into REPEATS rounds (fewer when total is smaller): each round's timings. */
async function inRounds(total: number, fn: () => Promise<unknown>): Promise<number[][]> {
  const n = Math.max(1, Math.min(REPEATS, total));
  const rounds: number[][] = [];
  for (let k = 0; k < n; k++) {
    const ms: number[] = [];
    const calls = Math.floor(total / n) + (k < total % n ? 1 : 0);
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    rounds.push(ms);
  }
  return rounds;
}

/** A first, cold call (its answer is kept for the checks), then `runs` calls in rounds. */
async function timeRuns<T>(
  runs: number,
  fn: () => Promise<T>,
): Promise<{ first: T; cold: number; rounds: number[][] }> {
  const t = performance.now();
  const first = await fn();
  const cold = performance.now() - t;
  return { first, cold, rounds: await inRounds(runs, fn) };
}

const asLine = (s: Summary): ScannedLine => ({
  received: s.received,
  ratingAvg: s.ratingAvg,
  satisfiedShare: s.satisfiedShare,
  complaints: {
    total: s.complaints.total,
    open: s.complaints.open,
    overdue: s.complaints.overdue,
    resolved: s.complaints.resolved,
  },
  resolvedOnTimeShare: s.resolvedOnTimeShare,
});

/** The league table's lines against the scan's, center by center (fields a line has). */
function leagueDifferences(items: CenterLine[], scanned: Map<string, ScannedLine>): string[] {
  const out: string[] = [];
  for (const c of items) {
    const s = scanned.get(c.centerCode);
    const pairs: [string, number | null, number | null][] = [
      ['received', c.received, s?.received ?? 0],
      ['ratingAvg', c.ratingAvg, s?.ratingAvg ?? null],
      ['satisfiedShare', c.satisfiedShare, s?.satisfiedShare ?? null],
      ['complaints', c.complaints, s?.complaints.total ?? 0],
      ['overdue', c.overdue, s?.complaints.overdue ?? 0],
      ['resolvedOnTimeShare', c.resolvedOnTimeShare, s?.resolvedOnTimeShare ?? null],
    ];
    for (const [k, a, b] of pairs)
      if (!(a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-9)))
        out.push(`${c.centerCode} ${k}: ${a} ≠ ${b}`);
  }
  return out;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

/** A string option (`--name value`), or undefined. */
function strArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Rows at most for the export: the period is shortened (whole weeks back from today) to about this. */
const EXPORT_ROWS = 100_000;

async function main() {
  const items = arg('items', 100_000);
  const months = arg('months', 24);
  const runs = Math.max(30, arg('runs', 30));
  // A database seeded before (`npm run seed:demo`), with its QUEUE_PREFIX and PII_KEY in the env.
  const dbUrl = strArg('db-url');
  const given = dbUrl ? strArg('prefix') : undefined;
  if (dbUrl && (!given || !process.env.PII_KEY))
    throw new Error(
      '--db-url needs --prefix <its QUEUE_PREFIX> and PII_KEY set to the key it was seeded with',
    );
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'odsc-bench-insight-'));
  const ferret = dbUrl
    ? null
    : await startFerretDb({
        dataDir: path.join(scratch, 'ferretdb'),
        port: await freePort(),
        logFile: path.join(scratch, 'ferretdb.log'),
      });
  const redisServer = await ensureRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    path.join(scratch, 'redis'),
  );
  const prefix = given ?? `benchi_${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    MONGO_URL: dbUrl ?? `mongodb://127.0.0.1:${ferret!.port}/insight`,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: prefix,
    PII_KEY: dbUrl ? process.env.PII_KEY : PII_KEY,
    DATA_DIR: scratch,
    STAFF_SESSION_SECRET: 's'.repeat(40),
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  // The producer connection queues nothing while it connects: wait until it is ready.
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
  const failures: string[] = [];
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAvgAtStart: os.loadavg().map(r1),
    },
    settings: dbUrl
      ? { database: 'given (--db-url)', runs, repeats: REPEATS }
      : { items, months, runs, repeats: REPEATS },
  };
  const api: { stop(): Promise<void> }[] = [];
  try {
    // 1. The data, as `npm run seed:demo` writes it (unless a seeded database was given).
    const now = Date.now();
    let stored: number;
    if (ferret) {
      console.log(`seeding ${items.toLocaleString('en')} items over ${months} months…`);
      await prepareDemoCollections(conn);
      indexFerretIds(ferret.sqliteDir!);
      const seeded = await seedDemo(
        { conn, redis, prefix, config, log: (l) => console.log(l) },
        { items, months, seed: 1, now },
      );
      indexFerretIds(ferret.sqliteDir!);
      stored = seeded.inserted;
      results.seed = {
        ...seeded,
        dataFolderMiB: Math.round(folderBytes(ferret.sqliteDir!) / 2 ** 20),
      };
    } else stored = 0;

    // 2. Figures in this process; the clock is fixed so that the scan below sees the same "now".
    const calendar = Deadlines.fromConfig(config).calendar;
    let cat: CatalogView | null = null;
    const figures = new Figures(
      reportDaysFor(conn, redis, prefix, calendar, new RedisLock(redis, prefix)),
      async () => (cat ??= await loadCatalogView(catalogModels(conn))),
      () => now,
    );
    const to = today(now);
    const from30 = addDays(to, -29);
    const from12m = addDays(to, -364);
    const all = { scope: { all: true as const } };
    if (!ferret) {
      // A count on FerretDB reads every document: the report days know it in 732 reads.
      stored = (await figures.summary(addDays(to, -731), to, all)).received;
      results.seed = { given: true, receivedInLast732Days: stored };
    }
    // The one-center headline is the busiest center's (the league table is sorted by received).
    const busiest = (await figures.centers(from30, to, all)).items[0]!.centerCode;
    const center = { ...all, center: busiest };
    console.log(`Figures in process: ${runs} runs each in ${REPEATS} rounds after a cold one…`);
    const d = {
      summary30: await timeRuns(runs, () => figures.summary(from30, to, all)),
      summary30Center: await timeRuns(runs, () => figures.summary(from30, to, center)),
      centers30: await timeRuns(runs, () => figures.centers(from30, to, all)),
      overview12m: await timeRuns(runs, () => figures.overview(from12m, to, all)),
    };

    // 3. The same figures summed from one scan of the feedback collection, and the check.
    console.log('scanning the feedback collection (the naive way)…');
    const t = performance.now();
    const [scan30, scan12m] = await scanPeriods(
      feedbackModel(conn),
      calendar,
      [
        { from: from30, to },
        { from: from12m, to },
      ],
      now,
    );
    const scanSeconds = r1((performance.now() - t) / 1000);
    const check = (name: string, diffs: string[]) => {
      for (const x of diffs) failures.push(`${name}: ${x}`);
      return diffs.length === 0;
    };
    results.scan = {
      seconds: scanSeconds,
      note:
        'one pass sums every figure below; FerretDB pushes down only an _id filter, so the pass ' +
        `reads every document of the collection (${stored.toLocaleString('en')})`,
      checks: {
        'headline, 30 days, all centers': {
          documentsInPeriod: scan30!.scanned,
          equal: check('summary30', lineDifferences(asLine(d.summary30.first), scan30!.summary)),
        },
        [`headline, 30 days, ${busiest}`]: {
          equal: check(
            'summary30Center',
            lineDifferences(asLine(d.summary30Center.first), scan30!.centers.get(busiest)!),
          ),
        },
        'league table, 30 days (every center)': {
          equal: check('centers30', leagueDifferences(d.centers30.first.items, scan30!.centers)),
        },
        'overview, 12 months (its headline)': {
          documentsInPeriod: scan12m!.scanned,
          equal: check(
            'overview12m',
            lineDifferences(asLine(d.overview12m.first.summary), scan12m!.summary),
          ),
        },
      },
    };

    // 4. HTTP: the api process, a taskforce session.
    console.log(
      `HTTP through the api process: ${runs} runs each in ${REPEATS} rounds after a cold one…`,
    );
    const a = await startApi(env);
    api.push(a);
    const cookie = await taskforceSession(conn, a.base);
    const get = (p: string) => async () => {
      const r = await timedGet(`${a.base}${p}`, cookie);
      if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`);
      return r;
    };
    const q30 = `from=${from30}&to=${to}`;
    const h = {
      summary30: await timeRuns(runs, get(`/api/v1/reports/summary?${q30}`)),
      summary30Center: await timeRuns(
        runs,
        get(`/api/v1/reports/summary?${q30}&center=${busiest}`),
      ),
      centers30: await timeRuns(runs, get(`/api/v1/reports/centers?${q30}`)),
      overview12m: await timeRuns(runs, get(`/api/v1/reports/overview?from=${from12m}&to=${to}`)),
    };
    const row = (name: string, key: keyof typeof d, target: number | null) => {
      const direct = stats(d[key].cold, d[key].rounds);
      const http = stats(h[key].cold, h[key].rounds);
      return {
        name,
        direct,
        http,
        target: target ? `p95 < ${target} ms in every round (figure: median of the rounds)` : null,
        // Judged on the slowest round: a median of rounds would hide one slow round.
        met: target
          ? Math.max(...http.rounds.p95Ms) < target && Math.max(...direct.rounds.p95Ms) < target
          : null,
      };
    };
    results.figures = [
      row('headline, last 30 days, all centers', 'summary30', 200),
      row(`headline, last 30 days, one center (${busiest})`, 'summary30Center', 200),
      row('league table, last 30 days', 'centers30', 200),
      row('overview, last 12 months', 'overview12m', null),
    ];
    results.apiRssAfterReportsMiB = {
      now: procMiB(a.child.pid!, 'VmRSS'),
      peak: procMiB(a.child.pid!, 'VmHWM'),
    };

    // 5. The monthly report PDF (the last complete month), where the route exists.
    const month = previousMonth(to.slice(0, 7));
    const pdfUrl = `/api/v1/reports/monthly?month=${month}&lang=lo&format=pdf`;
    const probe = await timedGet(`${a.base}${pdfUrl}`, cookie);
    if (probe.status === 200 && probe.type.includes('pdf')) {
      const s = stats(probe.ms, await inRounds(PDF_RENDERS, get(pdfUrl)));
      results.monthlyPdf = {
        month,
        lang: 'lo',
        firstMs: s.coldMs,
        runs: s.runs,
        p50Ms: s.p50Ms,
        maxMs: s.maxMs,
        spread: { p50Ms: s.spread.p50Ms },
        rounds: { p50Ms: s.rounds.p50Ms },
        bytes: probe.bytes,
        target: 'p50 < 5000 ms (median of the rounds)',
        met: s.p50Ms < 5000,
      };
    } else
      results.monthlyPdf = {
        measured: false,
        reason: `GET ${pdfUrl} answered ${probe.status} (${probe.type})`,
        p50Ms: null,
      };
    await a.stop();

    // 6. The CSV export (about EXPORT_ROWS rows: whole weeks back from today) from a fresh api
    // process, so that its peak memory is the export's.
    let from = to;
    let expected = 0;
    while (expected < EXPORT_ROWS && from > addDays(to, -731)) {
      from = addDays(from, -7);
      expected = (await figures.summary(from, to, all)).received;
    }
    const b = await startApi(env);
    api.push(b);
    const cookie2 = await taskforceSession(conn, b.base);
    const before = procMiB(b.child.pid!, 'VmRSS');
    const csvUrl = `${b.base}/api/v1/exports/feedback.csv?from=${from}&to=${to}`;
    const probeCsv = await fetch(csvUrl, { method: 'HEAD', headers: { cookie: cookie2 } });
    if (probeCsv.status === 200) {
      const e = await streamExport(csvUrl, cookie2, b.child.pid!);
      results.csvExport = {
        from,
        to,
        ...e,
        apiRssBeforeMiB: before,
        apiPeakRssMiB: procMiB(b.child.pid!, 'VmHWM'),
        rowsPerSec: Math.round(e.rows / Math.max(0.001, e.seconds)),
        documentsInCollection: stored,
      };
      if (e.status !== 200 || e.rows !== expected)
        failures.push(`csv export: status ${e.status}, ${e.rows} rows, expected ${expected}`);
    } else
      results.csvExport = {
        measured: false,
        reason: `HEAD /api/v1/exports/feedback.csv answered ${probeCsv.status}`,
      };
    await b.stop();
  } finally {
    for (const x of api) await x.stop().catch(() => undefined);
    if (!given) {
      await new QueueIndex(redis, prefix).clear().catch(() => undefined);
      const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
      for (let i = 0; i < keys.length; i += 500)
        await redis.del(...keys.slice(i, i + 500)).catch(() => undefined);
    }
    redis.disconnect();
    await conn.close();
    await ferret?.stop();
    await redisServer.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  results.machine = { ...(results.machine as object), loadAvgAtEnd: os.loadavg().map(r1) };
  results.failures = failures;
  // The table first: a bad --out must not lose a run that took half an hour.
  printTable(results);
  // --out names a file in bench/results, or a path (with a folder) relative to where it runs.
  const out = strArg('out') ?? 'insight.json';
  const file = out.includes('/') ? path.resolve(out) : path.join(ROOT, 'bench', 'results', out);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`written: ${path.relative(process.cwd(), file) || file}`);
  if (failures.length) {
    console.error(`FAILED: the report days and the scan disagree:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

function printTable(r: Record<string, unknown>) {
  const f = r.figures as {
    name: string;
    direct: ReturnType<typeof stats>;
    http: ReturnType<typeof stats>;
  }[];
  const scan = r.scan as { seconds: number; checks: Record<string, { equal: boolean }> };
  const equal = Object.values(scan.checks);
  const range = ([a, b]: number[]) => `${a}–${b}`;
  const cell = (s: ReturnType<typeof stats>) =>
    `${s.p50Ms} / ${s.p95Ms} / ${s.p99Ms} (p95 ${range(s.spread.p95Ms)})`;
  const lines = [
    `medians of ${REPEATS} rounds; in brackets the p95 spread (min–max) over the rounds`,
    '| figure | in process p50 / p95 / p99 ms | HTTP p50 / p95 / p99 ms | by scanning | equal |',
    '|---|---|---|---|---|',
  ];
  f.forEach((x, i) =>
    lines.push(
      `| ${x.name} | ${cell(x.direct)} | ${cell(x.http)} | ${scan.seconds} s (one pass) | ` +
        `${equal[i]?.equal ? 'yes' : 'NO'} |`,
    ),
  );
  const pdf = r.monthlyPdf as {
    p50Ms: number | null;
    spread?: { p50Ms: number[] };
    reason?: string;
  };
  lines.push(
    `| monthly report PDF | | p50 ${pdf.p50Ms ?? '–'} ms` +
      `${pdf.spread ? ` (${range(pdf.spread.p50Ms)})` : ''}${pdf.reason ? ` (${pdf.reason})` : ''} | | |`,
  );
  const csv = r.csvExport as {
    rows?: number;
    seconds?: number;
    apiPeakRssMiB?: number;
    reason?: string;
  };
  lines.push(
    csv.rows !== undefined
      ? `| CSV export, ${csv.rows.toLocaleString('en')} rows | | ${csv.seconds} s, api peak RSS ${csv.apiPeakRssMiB} MiB | | |`
      : `| CSV export | | ${csv.reason} | | |`,
  );
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
