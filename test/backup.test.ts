/**
 * `npm run backup` / `npm run restore` from dist/ against the real database: every collection
 * with a manifest and checksums; a restore into an empty database finds every feedback, rollup
 * and user exactly as they were; a non-empty database and a damaged file are refused.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import { connectMongo } from '../shared/db/mongo';
import { staffUserModel } from '../shared/models/staff-user.model';
import { MANIFEST, verifyBackup, type Manifest } from '../scripts/backup';
import {
  startTestPlatform,
  TEST_PII_KEY,
  uniqueName,
  validBody,
  type TestPlatform,
} from './helpers/platform';
import { makeUser, submit } from './helpers/staff';
import { parseTrackingCode } from '../shared/tracking-code';

const run = promisify(execFile);
const { EJSON } = mongoose.mongo.BSON;
const root = path.resolve(__dirname, '..');
let p: TestPlatform;
let target: Connection;
let targetUrl: string;

beforeAll(async () => {
  p = await startTestPlatform('backup', { worker: true });
  targetUrl = `${process.env.TEST_MONGO_BASE}/${uniqueName('restored')}`;
  target = await connectMongo(targetUrl);
});
afterAll(async () => {
  await target.close();
  await p.close();
});

/** Runs a script from dist/ the way an operator does, against the given database. */
function script(name: string, args: string[], mongoUrl: string) {
  return run(process.execPath, [path.join(root, 'dist/scripts', `${name}.js`), ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      MONGO_URL: mongoUrl,
      REDIS_URL: process.env.TEST_REDIS_URL,
      PII_KEY: TEST_PII_KEY,
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'odsc-data-')),
    },
  });
}

/** Every document of a collection, as canonical Extended JSON, by _id. */
async function dump(conn: Connection, name: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const d of conn.db!.collection(name).find({}))
    out.set(String(d._id), EJSON.stringify(d, { relaxed: false }));
  return out;
}

test('a backup restored into an empty database has every feedback, rollup and user as they were; a non-empty database and a damaged file are refused', async () => {
  const codes: string[] = [];
  for (let i = 0; i < 12; i++)
    codes.push(
      await submit(p, {
        ...validBody({ rating: (i % 5) + 1, text: `ຄຳຕິຊົມ ${i} — tested ${i}` }),
        ...(i % 3 === 0
          ? { contact: { phone: `020 5555 10${10 + i}`, consentToContact: true } }
          : {}),
      }),
    );
  await makeUser(p, 'admin@backup.test', 'admin');
  await makeUser(p, 'manager@backup.test', 'center_manager', ['LA-VT-XAYSETHA']);
  const before = {
    feedback: await dump(p.conn, 'feedback'),
    rollups: await dump(p.conn, p.Rollup.collection.collectionName),
    users: await dump(p.conn, staffUserModel(p.conn).collection.collectionName),
  };
  expect(before.feedback.size).toBe(12);
  expect(before.rollups.size).toBeGreaterThan(0);
  expect(before.users.size).toBe(2);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'odsc-backup-'));
  const out = await script('backup', ['--out', dir], p.config.mongoUrl);
  expect(out.stdout).toMatch(/backup of \d+ collections/);
  const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  const entry = (name: string) => manifest.collections.find((c) => c.collection === name)!;
  expect(entry('feedback').documents).toBe(12);
  expect(entry('feedback').sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(entry('staff_users').documents).toBe(2);
  // The unique (channel, externalId) index travels with the data.
  expect(entry('feedback').indexes.some((i) => i.unique && 'externalId' in i.key)).toBe(true);
  // Nothing in clear: the sealed numbers stay sealed in the files (gzip of EJSON lines).
  await verifyBackup(dir);

  const restored = await script('restore', ['--from', dir], targetUrl);
  expect(restored.stdout).toMatch(/restored \d+ collections/);
  const after = {
    feedback: await dump(target, 'feedback'),
    rollups: await dump(target, p.Rollup.collection.collectionName),
    users: await dump(target, staffUserModel(target).collection.collectionName),
  };
  for (const k of ['feedback', 'rollups', 'users'] as const) {
    expect([...after[k].keys()].sort()).toEqual([...before[k].keys()].sort());
    for (const [id, doc] of before[k]) expect(after[k].get(id)).toBe(doc);
  }
  for (const code of codes) expect(after.feedback.has(parseTrackingCode(code)!)).toBe(true);
  const idx = await target.db!.collection('feedback').indexes();
  expect(idx.some((i) => i.unique && i.key.externalId === 1)).toBe(true);

  // A second restore into the now non-empty database is refused and changes nothing.
  await expect(script('restore', ['--from', dir], targetUrl)).rejects.toMatchObject({
    stderr: expect.stringMatching(/not empty/),
  });
  expect((await dump(target, 'feedback')).size).toBe(12);

  // A damaged file fails its checksum before anything is written.
  const empty = `${process.env.TEST_MONGO_BASE}/${uniqueName('damaged')}`;
  appendFileSync(path.join(dir, entry('feedback').file), Buffer.from([0]));
  await expect(script('restore', ['--from', dir], empty)).rejects.toMatchObject({
    stderr: expect.stringMatching(/checksum mismatch/),
  });
  const c = await connectMongo(empty);
  try {
    expect(await c.db!.collection('feedback').countDocuments()).toBe(0);
  } finally {
    await c.close();
  }

  // No folder given: usage, exit 2.
  await expect(script('backup', [], p.config.mongoUrl)).rejects.toMatchObject({ code: 2 });
});

test('restore --force into a database that has the documents replaces them, in batches larger than one update command takes', async () => {
  // 150 documents in one collection: more than FerretDB answers in one update command.
  const name = 'force_restore_check';
  await p.conn
    .db!.collection(name)
    .insertMany(
      Array.from({ length: 150 }, (_, i) => ({ _id: `d${i}` as never, n: i, v: 'backup' })),
    );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'odsc-backup-force-'));
  await script('backup', ['--out', dir], p.config.mongoUrl);
  const into = `${process.env.TEST_MONGO_BASE}/${uniqueName('forced')}`;
  const c = await connectMongo(into);
  try {
    await c
      .db!.collection(name)
      .insertMany(
        Array.from({ length: 150 }, (_, i) => ({ _id: `d${i}` as never, n: i, v: 'old' })),
      );
    const forced = await script('restore', ['--from', dir, '--force'], into);
    expect(forced.stdout).toMatch(/restored \d+ collections/);
    const docs = await c.db!.collection(name).find({}).toArray();
    expect(docs).toHaveLength(150);
    expect(docs.every((d) => d.v === 'backup')).toBe(true);
  } finally {
    await c.close();
  }
}, 180_000);
