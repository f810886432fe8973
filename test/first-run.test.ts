/**
 * The first run of `npm start` (scripts/start.ts, scripts/first-admin.ts) on the real FerretDB and
 * Redis: on a database without staff accounts it prints how to create the first admin, and stops
 * printing it once an account exists; in a terminal it asks for the admin and creates it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '../shared/db/mongo';
import { staffUserModel } from '../shared/models/staff-user.model';
import { freePort } from '../scripts/storage';
import { FIRST_ADMIN_HINT, firstAdminStep, type Prompter } from '../scripts/first-admin';
import { userCreate } from '../scripts/user-create';
import { testConfig, TEST_PII_KEY } from './helpers/platform';

jest.setTimeout(600_000);

const START = path.resolve(__dirname, '..', 'dist/scripts/start.js');

/** `node dist/scripts/start.js` with piped (non-TTY) standard input, until its banner; then Ctrl-C. */
async function startOnce(
  config: ReturnType<typeof testConfig>,
): Promise<{ out: string; code: number | null }> {
  const port = await freePort();
  const child = spawn(process.execPath, [START], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      MONGO_URL: config.mongoUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      PII_KEY: TEST_PII_KEY,
      DATA_DIR: config.dataDir,
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: '',
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = () => out.includes('Press Ctrl-C to stop.') && resolve(true);
      child.stdout.on('data', check);
    }),
    exited.then(() => false),
  ]);
  if (ready) child.kill('SIGINT');
  const code = await exited;
  if (!ready) throw new Error(`npm start did not come up:\n${out}`);
  return { out, code };
}

/** Answers given in order, as a person at the terminal would type them. */
function scripted(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (q: string) => {
    asked.push(q);
    return Promise.resolve(answers.shift() ?? '');
  };
  return { asked, ask: next, askHidden: next, close: () => undefined };
}

describe('npm start on a database without staff accounts (not a terminal)', () => {
  const config = testConfig('firstrun');
  let conn: Connection;
  beforeAll(async () => {
    conn = await connectMongo(config.mongoUrl);
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  test('prints how to create the first admin, and no longer once an account exists', async () => {
    const first = await startOnce(config);
    expect(first.code).toBe(0);
    expect(first.out).toContain('ODSC citizen feedback platform is running.');
    for (const line of FIRST_ADMIN_HINT.split('\n')) expect(first.out).toContain(line.trim());
    expect(first.out).toContain('| npm run user:create -- --email you@example.la --role admin');
    expect(await staffUserModel(conn).countDocuments({})).toBe(0);

    await userCreate(
      { email: 'first.admin@odsc.gov.la', role: 'admin', centers: [] },
      'a long enough passphrase',
      config,
    );
    const second = await startOnce(config);
    expect(second.code).toBe(0);
    expect(second.out).toContain('ODSC citizen feedback platform is running.');
    expect(second.out).not.toContain('No staff account exists yet');
    expect(second.out).not.toContain('npm run user:create');
  });
});

describe('the first-admin step in a terminal', () => {
  const config = testConfig('firstrun_tty');
  let conn: Connection;
  beforeAll(async () => {
    conn = await connectMongo(config.mongoUrl);
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  test('asks again after a short password and a mistyped repeat, then creates the admin', async () => {
    const lines: string[] = [];
    const prompter = scripted([
      'Chief@ODSC.gov.la',
      'short',
      'short',
      'chief.admin@odsc.gov.la',
      'a long enough passphrase',
      'a long enough passphrase, mistyped',
      'chief.admin@odsc.gov.la',
      'a long enough passphrase',
      'a long enough passphrase',
    ]);
    const outcome = await firstAdminStep({ config, out: (l) => lines.push(l), prompter });
    expect(outcome).toBe('created');
    expect(lines.join('\n')).toContain('A password needs at least 10 characters.');
    expect(lines.join('\n')).toContain('The two passwords differ');
    expect(prompter.asked.filter((q) => q.includes('e-mail'))).toHaveLength(3);
    const users = await staffUserModel(conn).find({}).lean();
    expect(users.map((u) => [u.email, u.role])).toEqual([['chief.admin@odsc.gov.la', 'admin']]);

    // With an account, the step asks nothing.
    const again = scripted(['someone@odsc.gov.la']);
    expect(await firstAdminStep({ config, out: (l) => lines.push(l), prompter: again })).toBe(
      'exists',
    );
    expect(again.asked).toEqual([]);
  });

  test('an empty e-mail skips it and prints the hint instead', async () => {
    const other = testConfig('firstrun_skip');
    const lines: string[] = [];
    const outcome = await firstAdminStep({
      config: other,
      out: (l) => lines.push(l),
      prompter: scripted(['']),
    });
    expect(outcome).toBe('skipped');
    expect(lines.join('\n')).toContain(FIRST_ADMIN_HINT);
    const c = await connectMongo(other.mongoUrl);
    try {
      expect(await staffUserModel(c).countDocuments({})).toBe(0);
      await c.dropDatabase();
    } finally {
      await c.close();
    }
  });
});
