/**
 * The documented lists stay equal to the real ones: every npm script of package.json is in the
 * "## Commands" section of docs/operations.md, and every environment variable the code reads is in
 * docs/configuration.md (and, for the platform's own, in .env.example) — and nothing is documented
 * that no longer exists. A failure names each missing or stale name and the file to fix.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

/** Variables of the operating system or Node, not settings of the platform. */
const SYSTEM_VARS = new Set(['PATH', 'HOME', 'XDG_CACHE_HOME', 'TMPDIR']);

/** The text of a markdown section, from its heading to the next heading of the same level. */
export function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)![0];
  const start = markdown.split('\n').findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const lines = markdown.split('\n').slice(start + 1);
  const end = lines.findIndex((l) => new RegExp(`^#{1,${level.length}} `).test(l));
  return (end < 0 ? lines : lines.slice(0, end)).join('\n');
}

/** The first cell of each table row (skipping the header's separator). */
function firstCells(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) => l.split(/(?<!\\)\|/)[1] ?? '');
}

/** npm scripts named in the first cell of a table row: `npm start`, `npm test`, `npm run x`. */
export function documentedScripts(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const cell of firstCells(markdown)) {
    for (const m of cell.matchAll(/\bnpm (start|test)\b|\bnpm run ([a-z][\w:-]*)/g))
      names.add(m[1] ?? m[2]!);
  }
  return names;
}

/** Environment variable names in the first cell of a table row. */
export function documentedVars(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const cell of firstCells(markdown))
    for (const m of cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  return names;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(rel);
  }
  return out;
}

/**
 * Reads of the environment: dotted, or bracketed with a quoted name, give a name; bracketed with a
 * template (a name that ends in `${…}`) give the prefix before it.
 */
export function envReads(source: string): { names: Set<string>; prefixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const m of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  for (const m of source.matchAll(/process\.env\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g))
    names.add(m[1]!);
  for (const m of source.matchAll(/process\.env\[\s*`([A-Z][A-Z0-9_]*)\$\{/g)) prefixes.add(m[1]!);
  return { names, prefixes };
}

function readsIn(dirs: string[]): { names: Set<string>; prefixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const r = envReads(read(file));
    r.names.forEach((n) => names.add(n));
    r.prefixes.forEach((p) => prefixes.add(p));
  }
  SYSTEM_VARS.forEach((n) => names.delete(n));
  return { names, prefixes };
}

/** The keys of shared/config.ts's envSchema (the variables every process validates). */
function configVars(): Set<string> {
  const config = read('shared/config.ts');
  const start = config.indexOf('const envSchema');
  const schema = config.slice(start, config.indexOf('\n});\n', start));
  return new Set([...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Relative links of a markdown file that lead nowhere: a missing file or a missing heading. */
export function brokenLinks(file: string): string[] {
  const text = read(file).replace(/```[\s\S]*?```/g, '');
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
    const [rel, anchor] = target.split('#') as [string, string | undefined];
    const resolved = rel ? path.join(path.dirname(file), rel) : file;
    let body: string;
    try {
      body = statSync(path.join(ROOT, resolved)).isDirectory() ? '' : read(resolved);
    } catch {
      broken.push(`${file}: ${target} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith('.md')) {
      const anchors = [...body.matchAll(/^#+ (.+)$/gm)].map((h) => anchorOf(h[1]!));
      if (!anchors.includes(anchor)) broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  return broken;
}

/** What docker-compose.yml takes from the environment or `.env` (`${NAME}`, `${NAME:-…}`). */
function composeVars(): Set<string> {
  return new Set(
    [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
  );
}

/** The platform's settings: shared/config.ts, other reads in its code, and docker compose's. */
function platformVars(): Set<string> {
  const names = readsIn(['services', 'workers', 'shared', 'scripts']).names;
  configVars().forEach((n) => names.add(n));
  composeVars().forEach((n) => names.add(n));
  return names;
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** One message per direction, naming the names and where to add or remove them. */
function differences(
  real: Set<string>,
  realName: string,
  documented: Set<string>,
  docName: string,
): string[] {
  const problems: string[] = [];
  const missing = minus(real, documented);
  const stale = minus(documented, real);
  if (missing.length)
    problems.push(`in ${realName} but missing from ${docName}: ${missing.join(', ')}`);
  if (stale.length)
    problems.push(`in ${docName} but not in ${realName} (remove them): ${stale.join(', ')}`);
  return problems;
}

describe('the documented lists', () => {
  test('the parsers read the tables they are meant for', () => {
    const md = [
      '## Commands',
      '| command | what |',
      '| --- | --- |',
      '| `npm start` | starts; `npm run not-me` in the second cell is not a row |',
      '| `echo x \\| npm run user:create -- --email e` | creates |',
      '| `npm run dlq -- list` | lists |',
      '## Next',
      '| `npm run later` | another section |',
    ].join('\n');
    expect([...documentedScripts(section(md, '## Commands'))].sort()).toEqual([
      'dlq',
      'start',
      'user:create',
    ]);
    expect([
      ...documentedVars('| `A_B`, `C` | `1` | uses `NOT_ME` |\n| --- | --- | --- |'),
    ]).toEqual(['A_B']);
    // Built from pieces, so that this file's own scan does not find these names.
    const env = ['process', 'env'].join('.');
    const reads = envReads(`${env}.FOO_BAR; ${env}['BAZ']; ${env}[\`PRE_\${x}\`]; env.NOPE`);
    expect([...reads.names].sort()).toEqual(['BAZ', 'FOO_BAR']);
    expect([...reads.prefixes]).toEqual(['PRE_']);
  });

  test('docs/operations.md "## Commands" lists every npm script of package.json, and no other', () => {
    const scripts = new Set(
      Object.keys(
        (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
      ),
    );
    const documented = documentedScripts(section(read('docs/operations.md'), '## Commands'));
    expect(
      differences(
        scripts,
        'package.json "scripts"',
        documented,
        'docs/operations.md "## Commands"',
      ),
    ).toEqual([]);
  });

  test('docs/configuration.md and .env.example list every variable the platform reads, and no other', () => {
    const platform = platformVars();
    const example = new Set(
      [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!),
    );
    const documented = documentedVars(
      section(read('docs/configuration.md'), "## The platform's variables"),
    );
    const realName =
      'the code (shared/config.ts, process.env reads in services/ workers/ shared/ scripts/, docker-compose.yml)';
    expect([
      ...differences(platform, realName, example, '.env.example'),
      ...differences(
        platform,
        realName,
        documented,
        `docs/configuration.md "## The platform's variables"`,
      ),
    ]).toEqual([]);
  });

  test('docs/configuration.md lists every variable the benchmarks and tests read, and no other', () => {
    const platform = platformVars();
    const tooling = readsIn(['bench', 'test']);
    const real = new Set(minus(tooling.names, platform));
    const documented = documentedVars(
      section(read('docs/configuration.md'), '## Benchmarks and tests'),
    );
    // A name read through a template (BENCH_INSIGHT_${name}) is documented by its expansions.
    const problems: string[] = [];
    for (const prefix of tooling.prefixes) {
      const expansions = [...documented].filter((n) => n.startsWith(prefix));
      if (!expansions.length)
        problems.push(`variables ${prefix}* are read but none is in docs/configuration.md`);
      expansions.forEach((n) => real.add(n));
    }
    problems.push(
      ...differences(
        real,
        'bench/ and test/ (process.env reads)',
        documented,
        'docs/configuration.md "## Benchmarks and tests"',
      ),
    );
    expect(problems).toEqual([]);
  });
  test('every relative link of README.md and docs/ leads to a file and heading that exist', () => {
    expect(anchorOf('Insight: `npm run bench:insight` and more')).toBe(
      'insight-npm-run-benchinsight-and-more',
    );
    expect(anchorOf('Rotating PII_KEY')).toBe('rotating-pii_key');
    const files = [
      'README.md',
      ...readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });
});
