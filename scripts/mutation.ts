/**
 * `npm run test:mutation [-- --module <name>…] [-- --incremental]`: mutation testing (StrykerJS,
 * stryker.config.json) of the pure rule modules the published figures rest on. Stryker changes one
 * thing at a time in these files (a `<` into `<=`, a `+ 7h` into `- 7h`, a branch into nothing) and
 * runs the unit tests (jest.mutation.config.js) against each change; a change no test notices
 * "survives". Each module's score (killed / all covered-or-not) must reach its floor, or this exits
 * 1. The scores are written to bench/results/mutation.json. Any other argument goes to Stryker:
 * `--incremental` reuses bench/results/mutation-incremental.json, so only mutants in changed code
 * or covered by changed tests run again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A rule module: the files (or one function's lines in a larger file), the unit tests that cover
 * it (test/unit/<name>.test.ts, all listed in jest.mutation.config.js) and the score it must keep.
 */
export interface MutationModule {
  name: string;
  files: (string | { file: string; fn: string })[];
  tests: string[];
  min: number;
}

export const MODULES: MutationModule[] = [
  {
    name: 'time-buckets',
    files: [
      'shared/staff/vientiane-days.ts',
      { file: 'shared/models/feedback.model.ts', fn: 'localBuckets' },
    ],
    tests: ['intake-boundaries', 'working-days', 'report-metrics'],
    min: 80,
  },
  {
    name: 'tracking-codes',
    files: ['shared/tracking-code.ts'],
    tests: ['tracking-code'],
    min: 80,
  },
  { name: 'phone', files: ['shared/phone.ts'], tests: ['phone'], min: 80 },
  {
    name: 'text-folding-and-money',
    files: ['shared/text-normalize.ts', 'shared/classify/fold.ts', 'shared/classify/money.ts'],
    tests: ['text-normalize', 'money', 'phone', 'tracking-code'],
    min: 80,
  },
  { name: 'role-scope', files: ['shared/staff/roles.ts'], tests: ['roles'], min: 90 },
  {
    name: 'working-day-calendar',
    files: ['shared/staff/working-days.ts'],
    tests: ['working-days', 'intake-boundaries', 'report-metrics'],
    min: 90,
  },
  {
    name: 'classifier-decision-rules',
    files: ['shared/classify/combine.ts'],
    tests: ['combine'],
    min: 80,
  },
  {
    name: 'report-definitions',
    files: ['shared/reports/metrics.ts'],
    tests: ['report-metrics', 'report-definitions'],
    min: 90,
  },
];

const ROOT =
  path.basename(path.dirname(__dirname)) === 'dist'
    ? path.resolve(__dirname, '..', '..')
    : path.resolve(__dirname, '..');
const REPORT = path.join(ROOT, '.cache', 'mutation', 'mutation.json');
const SCORES = path.join(ROOT, 'bench', 'results', 'mutation.json');

/**
 * The Stryker `mutate` pattern of one entry: a whole file, or `file:from-to` lines of one exported
 * function (found by name each run, so edits elsewhere in the file do not move the range).
 */
export function mutatePattern(entry: MutationModule['files'][number], source?: string): string {
  if (typeof entry === 'string') return entry;
  const lines = (source ?? readFileSync(path.join(ROOT, entry.file), 'utf8')).split('\n');
  const start = lines.findIndex((l) => new RegExp(`^export function ${entry.fn}\\b`).test(l));
  if (start < 0) throw new Error(`${entry.file}: no exported function ${entry.fn}`);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  if (end < 0) throw new Error(`${entry.file}: function ${entry.fn} has no closing brace`);
  return `${entry.file}:${start + 1}-${end + 1}`;
}

interface MutantResult {
  status: string;
  location: { start: { line: number } };
}

export interface ModuleScore {
  name: string;
  min: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Killed and timed-out mutants over all valid ones (Stryker's mutation score), in percent. */
  score: number;
  ok: boolean;
}

/** The score of a module from Stryker's JSON report (mutation-testing-report-schema). */
export function scoreModule(
  mod: MutationModule,
  files: Record<string, { mutants: MutantResult[] }>,
  patterns: string[],
): ModuleScore {
  const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  for (const pattern of patterns) {
    const [file, range] = pattern.split(':') as [string, string | undefined];
    const [from, to] = range ? range.split('-').map(Number) : [1, Infinity];
    for (const m of files[file]?.mutants ?? []) {
      const line = m.location.start.line;
      if (line < from! || line > to!) continue;
      if (m.status === 'Killed') c.killed++;
      else if (m.status === 'Timeout') c.timeout++;
      else if (m.status === 'Survived') c.survived++;
      else if (m.status === 'NoCoverage') c.noCoverage++;
    }
  }
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  const score = valid ? Math.round((1000 * (c.killed + c.timeout)) / valid) / 10 : 0;
  return { name: mod.name, min: mod.min, ...c, score, ok: valid > 0 && score >= mod.min };
}

function main(argv: string[]): number {
  const chosen: string[] = [];
  const pass: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--module') chosen.push(argv[++i] ?? '');
    else pass.push(argv[i]!);
  }
  const unknown = chosen.filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length) {
    console.error(
      `unknown module ${unknown.join(', ')}; modules: ${MODULES.map((m) => m.name).join(', ')}`,
    );
    return 2;
  }
  const mods = chosen.length ? MODULES.filter((m) => chosen.includes(m.name)) : MODULES;
  const patterns = new Map(mods.map((m) => [m.name, m.files.map((f) => mutatePattern(f))]));
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      'stryker.config.json',
      '--mutate',
      [...patterns.values()].flat().join(','),
      ...pass,
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // Only the chosen modules' tests run (jest.mutation.config.js reads this): a smaller dry run.
      env: {
        ...process.env,
        MUTATION_TESTS: [...new Set(mods.flatMap((m) => m.tests))].join(','),
      },
    },
  );
  if (run.status !== 0) {
    console.error(`stryker exited with ${run.status ?? run.signal}`);
    return 1;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as {
    files: Record<string, { mutants: MutantResult[] }>;
  };
  const scores = mods.map((m) => scoreModule(m, report.files, patterns.get(m.name)!));
  // Keep the scores of modules not run this time, so the file always lists every module.
  const before = existsSync(SCORES)
    ? (JSON.parse(readFileSync(SCORES, 'utf8')) as { modules: ModuleScore[] }).modules
    : [];
  const merged = MODULES.map(
    (m) => scores.find((s) => s.name === m.name) ?? before.find((s) => s.name === m.name),
  ).filter((s): s is ModuleScore => !!s);
  writeFileSync(
    SCORES,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        incremental: pass.includes('--incremental'),
        seconds,
        modules: merged,
      },
      null,
      2,
    ) + '\n',
  );
  console.log('\nmodule                    score  floor  killed  timeout  survived  no-coverage');
  for (const s of scores)
    console.log(
      `${s.name.padEnd(24)} ${s.score.toFixed(1).padStart(6)}% ${String(s.min).padStart(5)}%` +
        ` ${String(s.killed).padStart(7)} ${String(s.timeout).padStart(8)}` +
        ` ${String(s.survived).padStart(9)} ${String(s.noCoverage).padStart(12)}` +
        (s.ok ? '' : '   BELOW FLOOR'),
    );
  console.log(`(${seconds}s; scores in ${path.relative(ROOT, SCORES)})`);
  return scores.every((s) => s.ok) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
