/**
 * Every operator command runs from the production image: a copy of what the Dockerfile's runtime
 * stage holds (dist/, package.json, the kiosk's assets; read from the Dockerfile itself) with
 * node_modules holding only the production dependencies of package-lock.json (devDependencies
 * pruned, as `npm prune --omit=dev` leaves them: a folder of links to this checkout's packages, so
 * nothing is downloaded) and no tsconfig.json or TypeScript. Each command is run as an operator
 * runs it (`npm run <name> -- …`, as in `docker compose exec api npm run …`) against the test's
 * FerretDB and Redis, doing something real and harmless, or printing its usage.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectMongo } from '../shared/db/mongo';
import { staffUserModel } from '../shared/models/staff-user.model';
import { FakeTelegram } from './helpers/fake-telegram';
import { testConfig, TEST_PII_KEY } from './helpers/platform';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The commands an operator runs in the containers (docs/operations.md). */
const OPERATOR_COMMANDS = [
  'kiosk:pair',
  'kiosk:revoke',
  'kiosk:list',
  'bot',
  'bot:webhook',
  'dlq',
  'rollups:recount',
  'user:create',
];
/** Added by other work at the same time; checked like the others once they exist. */
const LATER_COMMANDS = ['backup', 'restore', 'erase'];

const config = testConfig('opscli');
let image: string;
let fake: FakeTelegram;

/** The runtime stage's `COPY --from=build /app/<path> ./<path>` lines. */
function runtimeCopies(): string[] {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return [...runtime.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S*)$/gm)].map((m) => m[1]!);
}

/** node_modules as `npm ci --omit=dev` would leave it: links to the production packages only. */
function prunedNodeModules(dir: string): void {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; link?: boolean }>;
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
    if (!m || entry.dev || entry.devOptional) continue;
    const from = path.join(root, key);
    if (!existsSync(from)) continue; // an optional package for another platform
    const to = path.join(dir, 'node_modules', m[1]!);
    mkdirSync(path.dirname(to), { recursive: true });
    symlinkSync(from, to, 'dir');
  }
}

beforeAll(async () => {
  image = mkdtempSync(path.join(os.tmpdir(), 'odsc-image-'));
  const copies = runtimeCopies();
  expect(copies).toEqual(expect.arrayContaining(['package.json', 'node_modules', 'dist']));
  for (const c of copies) {
    if (c === 'node_modules') prunedNodeModules(image);
    else cpSync(path.join(root, c), path.join(image, c), { recursive: true });
  }
  fake = new FakeTelegram('7000000003:AAtest-token_0123456789abcdefghijk');
  await fake.start();
});
afterAll(async () => {
  await fake?.stop();
  const conn = await connectMongo(config.mongoUrl);
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  if (image) rmSync(image, { recursive: true, force: true });
});

/** `npm run <name> -- <args>` in the image copy, with production's environment and no other. */
function npmRun(
  name: string,
  args: string[] = [],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', name, '--', ...args], {
      cwd: image,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? os.homedir(),
        NODE_ENV: 'production',
        MONGO_URL: config.mongoUrl,
        REDIS_URL: config.redisUrl,
        QUEUE_PREFIX: config.queuePrefix,
        PII_KEY: TEST_PII_KEY,
        STAFF_SESSION_SECRET: 's'.repeat(40),
        DATA_DIR: path.join(image, 'data'),
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('the copy is the production image: no devDependencies, no TypeScript, no tsconfig.json', () => {
  for (const dev of Object.keys(pkg.devDependencies))
    expect(existsSync(path.join(image, 'node_modules', dev))).toBe(false);
  for (const dep of Object.keys(pkg.dependencies))
    expect(existsSync(path.join(image, 'node_modules', dep))).toBe(true);
  expect(existsSync(path.join(image, 'tsconfig.json'))).toBe(false);
  expect(existsSync(path.join(image, 'dist/scripts/kiosk-cli.js'))).toBe(true);
});

test('no operator command compiles: each builds only through build:if-dev, which a checkout without TypeScript skips', () => {
  for (const name of [...OPERATOR_COMMANDS, ...LATER_COMMANDS]) {
    const cmd = pkg.scripts[name];
    expect(cmd).toBeDefined();
    expect(cmd).not.toMatch(/\btsc\b|npm run build(?!:if-dev)/);
    expect(cmd).toMatch(/node dist\//);
  }
  expect(pkg.scripts['build:if-dev']).toMatch(
    /^test ! -f tsconfig\.json \|\| test ! -d node_modules\/typescript \|\| /,
  );
});

test('seed, user:create, kiosk:pair, kiosk:list, kiosk:revoke run from the image against the databases', async () => {
  const seeded = await npmRun('seed');
  expect(seeded.stderr).toBe('');
  expect(seeded.stdout).toMatch(/catalog: 29 centers, 17 services, 9 topics added/);

  const user = await npmRun('user:create', ['--email', 'ops@odsc.gov.la', '--role', 'admin'], {
    stdin: 'a long enough password\n',
  });
  expect(user.status).toBe(0);
  const id = user.stdout.trim();
  const conn = await connectMongo(config.mongoUrl);
  try {
    const stored = await staffUserModel(conn).findById(id).lean();
    expect(stored).toMatchObject({ email: 'ops@odsc.gov.la', role: 'admin' });
  } finally {
    await conn.close();
  }

  const paired = await npmRun('kiosk:pair', ['--center', 'LA-VT', '--label', 'hall']);
  expect(paired.status).toBe(0);
  // The code alone on stdout, the rest on stderr.
  expect(paired.stdout).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\n$/);
  const device = /Kiosk (\S+) created for LA-VT/.exec(paired.stderr)?.[1];
  expect(device).toBeDefined();

  const listed = await npmRun('kiosk:list');
  expect(listed.status).toBe(0);
  expect(listed.stdout).toContain(device!);

  const revoked = await npmRun('kiosk:revoke', ['--device', device!]);
  expect(revoked.status).toBe(0);
  const bad = await npmRun('kiosk:revoke', ['--device', 'no-such-device']);
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toContain('no kiosk device no-such-device');
}, 300_000);

test('classify and eval:classify build through build:if-dev first; classify answers pure JSON lines on stdout', async () => {
  // A fresh clone has no dist/: both build first (to stderr), as the other commands do.
  for (const name of ['classify', 'eval:classify'])
    expect(pkg.scripts[name]).toMatch(/^npm run --silent build:if-dev && node dist\//);
  const r = await npmRun('classify', [], { stdin: '{"id":"a","text":"thank you pakse"}\n' });
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ id: 'a', center: 'LA-CH', kind: 'praise' });
});

test('dlq, rollups:recount, bot and bot:webhook run from the image', async () => {
  const dlq = await npmRun('dlq', ['list']);
  expect(dlq.status).toBe(0);
  expect(dlq.stdout).toMatch(/== intake: 0 dead letter\(s\) now/);

  const recount = await npmRun('rollups:recount', ['--dry-run', '2026-01-15']);
  expect(recount.status).toBe(0);

  const off = await npmRun('bot', [], { env: { TELEGRAM_BOT_TOKEN: '' } });
  expect(off.status).toBe(0);
  expect(off.stdout).toContain('Telegram bot is off: TELEGRAM_BOT_TOKEN is not set');

  fake.webhook = { url: 'https://old.example.la/webhooks/telegram' };
  const hook = await npmRun('bot:webhook', ['--delete'], {
    // Production accepts only Telegram's own API root; the local stand-in needs NODE_ENV=test.
    env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, NODE_ENV: 'test' },
  });
  expect(hook.stderr).toBe('');
  expect(hook.status).toBe(0);
  expect(hook.stdout).toContain('Webhook removed');
  expect(fake.webhook).toBeNull();
}, 300_000);

test('backup, restore and erase run from the image', async () => {
  const out = path.join(image, 'backup-1');
  const backup = await npmRun('backup', ['--out', out]);
  expect(backup.stderr).toBe('');
  expect(backup.status).toBe(0);
  expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  // Into a database that has documents, restore refuses without --force: nothing is touched.
  const restore = await npmRun('restore', ['--from', out]);
  expect(restore.status).not.toBe(0);
  expect(restore.stderr).not.toMatch(/Cannot find module|MODULE_NOT_FOUND/);
  const erase = await npmRun('erase', []);
  expect(erase.status).toBe(2);
  expect(erase.stderr).toContain('usage: npm run erase');
}, 300_000);
