/**
 * The orchestrator behind `npm start`: starts embedded storage where MONGO_URL / REDIS_URL are
 * unset, seeds the catalog, runs `api` and `worker` as separate processes, prints where to open
 * the platform, and stops everything cleanly on Ctrl-C. Data stays in DATA_DIR for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, EMBEDDED_MONGO_PORT, loadConfig } from '../shared/config';
import { redisConnection } from '../shared/queues';
import { checkRedisForIntake } from '../shared/redis-checks';
import { FIRST_ADMIN_HINT, firstAdminStep, terminalPrompter } from './first-admin';
import { seed } from './seed';
import {
  ensureRedis,
  indexFerretIds,
  portOpen,
  startFerretDb,
  StorageError,
  type RunningServer,
} from './storage';

const DIST = path.resolve(__dirname, '..');

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      out.write(`[${name}] ${buf.slice(0, i)}\n`);
      buf = buf.slice(i + 1);
    }
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function main() {
  const config = loadConfig();
  mkdirSync(path.join(config.dataDir, 'logs'), { recursive: true });
  const servers: RunningServer[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const s of servers.reverse()) await s.stop();
    console.log('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let mongoUrl = config.mongoUrl;
  if (config.mongoEmbedded) {
    if (await portOpen(EMBEDDED_MONGO_PORT)) {
      console.log(
        `a MongoDB-compatible server already listens on 127.0.0.1:${EMBEDDED_MONGO_PORT}; using it`,
      );
    } else {
      console.log('starting FerretDB (embedded MongoDB-compatible store, SQLite backend)…');
      const f = await startFerretDb({
        dataDir: path.join(config.dataDir, 'ferretdb'),
        port: EMBEDDED_MONGO_PORT,
        logFile: path.join(config.dataDir, 'logs', 'ferretdb.log'),
      });
      servers.push(f);
      mongoUrl = f.url;
    }
  }
  if (config.redisEmbedded)
    servers.push(await ensureRedis(config.redisUrl, path.join(config.dataDir, 'redis')));
  // A Redis that was already running is reused as it is: say what it would lose.
  const probe = redisConnection(config.redisUrl, 'producer');
  probe.on('error', () => undefined);
  try {
    await new Promise((r) => probe.once('ready', r));
    await checkRedisForIntake(probe, {
      production: config.nodeEnv === 'production',
      log: { warn: (m: string) => console.warn(`warning: ${m}`) },
    });
  } finally {
    probe.disconnect();
  }

  const n = await seed(mongoUrl);
  console.log(
    `catalog: ${n.centers} centers, ${n.services} services, ${n.topics} topics added` +
      (n.migrations.length ? `; migrations run: ${n.migrations.join(', ')}` : ''),
  );
  const ferret = servers.find((s) => s.sqliteDir);
  if (ferret?.sqliteDir) console.log(indexFerretIds(ferret.sqliteDir));
  // The first run: nobody can sign in yet. In a terminal, ask for the first admin now (before the
  // processes' logs start); otherwise the banner below says how to create one.
  const interactive = Boolean(process.stdin.isTTY);
  const firstAdmin = await firstAdminStep({
    config: { ...config, mongoUrl },
    out: (line) => (interactive ? console.log(line) : undefined),
    prompter: interactive ? terminalPrompter() : undefined,
  });
  const adminHint =
    firstAdmin === 'hint' || firstAdmin === 'skipped'
      ? `\n${FIRST_ADMIN_HINT.replace(/^/gm, '    ')}`
      : '';

  const env = {
    ...process.env,
    MONGO_URL: mongoUrl,
    REDIS_URL: config.redisUrl,
    PII_KEY: config.piiKey.currentKey.toString('hex'),
  };
  const tg = config.telegram;
  // Telegram: the api's webhook when a secret is set, otherwise the long-polling bot process.
  const polling = Boolean(tg.botToken && !tg.webhookSecret);
  const processes: [string, string][] = [
    ['api', 'services/api/main.js'],
    ['worker', 'workers/main.js'],
  ];
  if (polling) processes.push(['telegram-bot', 'services/telegram/main.js']);
  for (const [name, file] of processes) {
    const child = spawn(process.execPath, [path.join(DIST, file)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(name, child.stdout!, process.stdout);
    prefixLines(name, child.stderr!, process.stderr);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${name} exited (${signal ?? code}); stopping the platform`);
      void stopAll(1);
    });
    children.push(child);
  }

  const local = `http://localhost:${config.port}`;
  // Generous: on a busy two-core machine the api's first start can take well over 30 s.
  if (!(await waitForHttp(`${local}/readyz`, 120_000))) {
    console.error('the api did not become ready within 120 s');
    return stopAll(1);
  }
  console.log(`
ODSC citizen feedback platform is running.
  Citizen web form (Lao):    ${local}/feedback
  Citizen web form (English): ${local}/feedback?lang=en
  QR-poster prefill example: ${local}/feedback?center=LA-VT-XAYSETHA&src=poster
  Status page:               ${local}/status
  Status API:                ${local}/api/v1/status/<code>
  Exit-survey kiosk:         ${local}/kiosk/  (pair it: npm run kiosk:pair -- --center <code>)
  Taskforce dashboard:       ${local}/dashboard${adminHint}
  Public scoreboard:         ${local}/scoreboard  (?lang=en)
  Demo data (optional):      npm run seed:demo -- --items 10000
  Readiness:                 ${local}/readyz
  Telegram bot:              ${
    !tg.botToken
      ? 'off (set TELEGRAM_BOT_TOKEN to turn it on; see docs/channels.md "Telegram bot")'
      : polling
        ? 'on, long polling (the telegram-bot process)'
        : `on, webhook at ${config.publicBaseUrl}/webhooks/telegram`
  }
Data is kept in ${config.dataDir}. Press Ctrl-C to stop.`);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof StorageError) console.error(err.message);
  else console.error('start failed:', err instanceof Error ? err.stack : err);
  process.exit(1);
});
