/**
 * The servers a benchmark runs on: a FerretDB on a free port with a scratch data folder, Redis
 * (REDIS_URL's, or a redis-server started in the scratch folder when none answers) and a fresh
 * queue key prefix, so a run never touches another's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureRedis, freePort, startFerretDb } from '../scripts/storage';

export async function startScratchServers(name: string, prefixStem: string) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `odsc-bench-${name}-`));
  const ferret = await startFerretDb({
    dataDir: path.join(scratch, 'ferretdb'),
    port: await freePort(),
    logFile: path.join(scratch, 'ferretdb.log'),
  });
  const redisServer = await ensureRedis(
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    path.join(scratch, 'redis'),
  );
  const prefix = `${prefixStem}_${randomBytes(3).toString('hex')}`;
  return { scratch, ferret, redisServer, prefix };
}
