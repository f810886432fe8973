/**
 * Starts the real servers the suite talks to: FerretDB (built from the Go module proxy on first
 * use) on a free port with a scratch data folder, and Redis (the machine's, or a redis-server
 * started here when none answers). MONGO_URL / REDIS_URL point the suite at external servers
 * instead. Also builds dist/ for tests that run the api or worker as child processes, and the
 * dashboard bundle (dist/dashboard) the browser tests load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureRedis, freePort, startFerretDb, type RunningServer } from '../scripts/storage';

declare global {
  var __ODSC_SERVERS__: RunningServer[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const build = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: path.resolve(__dirname, '..'),
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('tsc build failed before tests');
  const dashboard = spawnSync(process.execPath, ['dist/scripts/build-dashboard.js'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
  });
  if (dashboard.status !== 0) throw new Error('dashboard build failed before tests');

  const servers: RunningServer[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'odsc-test-'));
  process.env.ODSC_TEST_SCRATCH = scratch;
  if (!process.env.MONGO_URL) {
    const f = await startFerretDb({
      dataDir: path.join(scratch, 'ferretdb'),
      port: await freePort(),
      logFile: path.join(scratch, 'ferretdb.log'),
    });
    servers.push(f);
    process.env.TEST_MONGO_BASE = `mongodb://127.0.0.1:${f.port}`;
  } else {
    process.env.TEST_MONGO_BASE = process.env.MONGO_URL.replace(/\/[^/?]*(\?.*)?$/, '');
  }
  const redis = await ensureRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    path.join(scratch, 'redis'),
  );
  servers.push(redis);
  process.env.TEST_REDIS_URL = redis.url;
  globalThis.__ODSC_SERVERS__ = servers;
}
