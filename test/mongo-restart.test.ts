/**
 * Every connection works again after its database restarts. The MongoDB driver can wedge its
 * server monitor when the server closes its sockets (shared/db/monitor-watchdog.ts): the client
 * then fails every operation for the rest of the process's life. With busy connections a
 * FerretDB restart wedges several of them most times; the watchdog must bring each one back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '../shared/db/mongo';
import type { Logger } from '../shared/logger';
import { freePort, startFerretDb, type RunningServer } from '../scripts/storage';
import { waitFor } from './helpers/platform';

jest.setTimeout(180_000);

let ferret: RunningServer;
const dir = mkdtempSync(path.join(os.tmpdir(), 'odsc-mongorestart-'));
let port = 0;
const conns: Connection[] = [];
const wedged: string[] = [];
const log: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (msg) => void wedged.push(msg),
};

beforeAll(async () => {
  port = await freePort();
  ferret = await startFerretDb({ dataDir: dir, port });
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  await ferret.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('busy connections all work again after FerretDB restarts', async () => {
  const url = ferret.url.replace(/\/[^/]*$/, '/mongorestart');
  for (let i = 0; i < 8; i++) conns.push(await connectMongo(url, { log, wedgedAfterMs: 10_000 }));
  let running = true;
  let n = 0;
  // Operations in flight when the server goes away are what makes the driver check at once.
  const busy = conns.flatMap((c) =>
    Array.from({ length: 50 }, async () => {
      const col = c.db!.collection<{ _id: string; a?: number }>('t');
      while (running) {
        const id = `d${n++}`;
        try {
          await col.insertOne({ _id: id });
          await col.findOne({ _id: id });
          await col.updateOne({ _id: id }, { $set: { a: 1 } });
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 4000));
  await ferret.stop();
  await new Promise((r) => setTimeout(r, 5000));
  ferret = await startFerretDb({ dataDir: dir, port });
  running = false;
  await Promise.all(busy);
  for (const [i, c] of conns.entries()) {
    await waitFor(
      () =>
        c
          .db!.collection<{ _id: string }>('t')
          .findOne({ _id: 'd0' })
          .then(
            () => true,
            () => false,
          ),
      `connection ${i} answering again`,
      90_000,
    );
  }
  // How many wedged this time (varies from run to run); each was reopened.
  console.log(`monitor wedges repaired: ${wedged.length} of ${conns.length}`);
});
