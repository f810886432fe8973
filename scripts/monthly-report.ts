/**
 * `npm run report:monthly -- [--month YYYY-MM] [--lang lo|en] [--out file.pdf] [--no-notice]`:
 * what the worker does on the 1st of each month (workers/staff/monthly-report.job.ts), by hand —
 * renders the all-centers report of the month (default: the last complete one) in Lao and English
 * (or the one language asked for), stores the PDFs in `monthly_reports` and tells the taskforce in
 * the workspace (unless --no-notice). With --out the PDF is also written to that file (with both
 * languages: `<name>-lo.pdf` and `<name>-en.pdf`). Needs MongoDB, Redis and Chromium
 * (CHROMIUM_PATH).
 */
import { writeFileSync } from 'node:fs';
import { loadConfig, type Config } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { redisConnection } from '../shared/queues';
import { RedisLock } from '../shared/redis-lock';
import { lastMonth, parseMonth, type ReportLang } from '../shared/reports/monthly-report';
import { closePdf } from '../shared/reports/pdf';
import { reportDaysFor } from '../shared/reports/report-days';
import { Deadlines } from '../shared/staff/deadlines';
import {
  monthlyReportJobDeps,
  runMonthlyReport,
  type MonthlyReportJobResult,
} from '../workers/staff/monthly-report.job';

export class UsageError extends Error {}

export interface MonthlyReportArgs {
  month: string;
  langs: ReportLang[];
  out?: string;
  notify: boolean;
}

export function parseArgs(argv: string[], now = Date.now()): MonthlyReportArgs {
  const args: MonthlyReportArgs = { month: lastMonth(now), langs: ['lo', 'en'], notify: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--month') {
      const m = parseMonth(value());
      if (!m) throw new UsageError('--month must be YYYY-MM');
      args.month = m;
    } else if (a === '--lang') {
      const l = value();
      if (l !== 'lo' && l !== 'en') throw new UsageError('--lang must be lo or en');
      args.langs = [l];
    } else if (a === '--out') args.out = value();
    else if (a === '--no-notice') args.notify = false;
    else throw new UsageError(`unknown argument ${a}`);
  }
  return args;
}

/** Where each language's PDF goes with --out. */
export function outFiles(out: string, langs: ReportLang[]): Map<ReportLang, string> {
  if (langs.length === 1) return new Map([[langs[0]!, out]]);
  const stem = out.replace(/\.pdf$/i, '');
  return new Map(langs.map((l) => [l, `${stem}-${l}.pdf`]));
}

/** Runs the report with a config (the script's, or a test's). */
export async function monthlyReportCli(
  argv: string[],
  config: Config,
): Promise<MonthlyReportJobResult> {
  const args = parseArgs(argv);
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', () => undefined);
  try {
    // Notices and the report days live in Redis: without it, no report.
    await new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      const t = setTimeout(
        () => reject(new Error(`Redis not reachable at ${config.redisUrl}`)),
        5000,
      );
      redis.once('ready', () => (clearTimeout(t), resolve()));
    });
    const days = reportDaysFor(
      conn,
      redis,
      config.queuePrefix,
      Deadlines.fromConfig(config).calendar,
      new RedisLock(redis, config.queuePrefix),
    );
    const { pdfs, ...result } = await runMonthlyReport(
      monthlyReportJobDeps(config, conn, redis, days),
      { month: args.month, langs: args.langs, by: 'script', notify: args.notify },
    );
    if (args.out)
      for (const [lang, file] of outFiles(args.out, args.langs))
        writeFileSync(file, pdfs.get(lang)!);
    return result;
  } finally {
    await closePdf();
    redis.disconnect();
    await conn.close();
  }
}

if (require.main === module) {
  (async () => {
    const argv = process.argv.slice(2);
    const args = parseArgs(argv);
    const r = await monthlyReportCli(argv, loadConfig());
    for (const s of r.stored) console.log(`stored ${s._id}: ${s.pages} pages, ${s.size} bytes`);
    if (args.out)
      for (const file of outFiles(args.out, args.langs).values()) console.log(`written ${file}`);
    console.log(
      r.notified.length
        ? `told ${r.notified.length} taskforce members and admins: ${r.notified.join(', ')}`
        : 'nobody told',
    );
  })().catch((err) => {
    console.error(
      err instanceof UsageError
        ? `usage: npm run report:monthly -- [--month YYYY-MM] [--lang lo|en] [--out file.pdf] [--no-notice]\n${err.message}`
        : `monthly report failed: ${err instanceof Error ? err.message : err}`,
    );
    process.exit(1);
  });
}
