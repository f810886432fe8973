/**
 * `npm run backup -- --out <dir>` and `npm run restore -- --from <dir> [--force]`: every collection
 * of the database through the driver (no mongodump: it is not on every machine, and the same code
 * reads FerretDB and MongoDB). Each collection is streamed, a cursor in and a gzip stream out, one
 * Extended JSON (canonical, so dates, ids and numbers come back as they were) document a line:
 * a million feedback are never held in memory. `manifest.json` lists each file with its document
 * count, byte size and SHA-256, and the collection's indexes.
 *
 * Restore checks every file against the manifest before it writes anything, refuses a database
 * that holds documents unless --force, recreates the indexes, then inserts in batches.
 * Sealed personal data is copied sealed: a restore needs the same PII_KEY (docs/operations.md).
 * Runs from dist/: `node dist/scripts/backup.js --out <dir>`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { markNotBackfilled } from '../shared/privacy/lookups';

const { EJSON } = mongoose.mongo.BSON;
export const MANIFEST = 'manifest.json';
export const FORMAT = 'odsc-backup/1';
const BATCH = 1000;

export interface ManifestEntry {
  collection: string;
  file: string;
  documents: number;
  bytes: number;
  sha256: string;
  indexes: { key: Record<string, unknown>; name: string; unique?: boolean }[];
}

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  database: string;
  collections: ManifestEntry[];
}

/** Collections to copy: all but the server's own (system.*). */
async function collectionNames(conn: Connection): Promise<string[]> {
  const db = conn.db!;
  const list = await db.listCollections({}, { nameOnly: true }).toArray();
  return list
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort();
}

/** Hashes and counts the bytes that pass, on their way to the file. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.push(chunk);
    done();
  }
}

/** Writes every collection and the manifest into `dir` (created; must not hold a manifest). */
export async function backupDatabase(conn: Connection, dir: string): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  if (await stat(path.join(dir, MANIFEST)).catch(() => null))
    throw new Error(`${dir} already holds a backup (${MANIFEST}); choose an empty folder`);
  const entries: ManifestEntry[] = [];
  for (const name of await collectionNames(conn)) {
    const coll = conn.db!.collection(name);
    const file = `${name}.ejson.gz`;
    let documents = 0;
    const cursor = coll.find({}, { batchSize: BATCH });
    async function* lines() {
      for await (const doc of cursor) {
        documents++;
        yield EJSON.stringify(doc, { relaxed: false }) + '\n';
      }
    }
    const digest = new Digest();
    await pipeline(lines, createGzip(), digest, createWriteStream(path.join(dir, file)));
    const indexes = (await coll.indexes())
      .filter((i) => i.name !== '_id_')
      .map((i) => ({
        key: i.key as Record<string, unknown>,
        name: String(i.name),
        ...(i.unique ? { unique: true } : {}),
      }));
    entries.push({
      collection: name,
      file,
      documents,
      bytes: digest.bytes,
      sha256: digest.hash.digest('hex'),
      indexes,
    });
  }
  const manifest: Manifest = {
    format: FORMAT,
    createdAt: new Date().toISOString(),
    database: conn.db!.databaseName,
    collections: entries,
  };
  // Written last: a folder without a manifest is an unfinished backup.
  await writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Reads the manifest and checks every file's size and SHA-256 against it. */
export async function verifyBackup(dir: string): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  if (manifest.format !== FORMAT) throw new Error(`${dir}: not a backup of this format`);
  for (const e of manifest.collections) {
    if (path.basename(e.file) !== e.file) throw new Error(`manifest names a file outside ${dir}`);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(path.join(dir, e.file)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const sha = hash.digest('hex');
    if (bytes !== e.bytes || sha !== e.sha256)
      throw new Error(`${e.file}: checksum mismatch (damaged or changed); nothing was restored`);
  }
  return manifest;
}

/** Restores a verified backup; refuses a database that holds any document unless `force`. */
export async function restoreDatabase(
  conn: Connection,
  dir: string,
  opts: { force?: boolean } = {},
): Promise<{ manifest: Manifest; restored: Record<string, number> }> {
  const manifest = await verifyBackup(dir);
  if (!opts.force) {
    for (const name of await collectionNames(conn)) {
      if (await conn.db!.collection(name).findOne({}, { projection: { _id: 1 } }))
        throw new Error(
          `the database is not empty (collection ${name} holds documents): restore into an empty database, or pass --force to add to it`,
        );
    }
  }
  const restored: Record<string, number> = {};
  for (const e of manifest.collections) {
    const coll = conn.db!.collection(e.collection);
    for (const i of e.indexes)
      await coll.createIndex(i.key as never, {
        name: i.name,
        ...(i.unique ? { unique: true } : {}),
      });
    const lines = createInterface({
      input: createReadStream(path.join(dir, e.file)).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    let batch: Record<string, unknown>[] = [];
    let n = 0;
    const flush = async () => {
      if (!batch.length) return;
      if (opts.force) {
        // Adding to a database: a document already there is replaced by the backup's. In chunks
        // of 50: FerretDB 1.24 was seen not to answer an update command of 100 statements or more
        // (shared/privacy/lookups.ts, LOCK_CHUNK).
        for (let i = 0; i < batch.length; i += 50)
          await coll.bulkWrite(
            batch.slice(i, i + 50).map((d) => ({
              replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true },
            })) as never,
            { ordered: false },
          );
      } else await coll.insertMany(batch as never[], { ordered: true });
      n += batch.length;
      batch = [];
    };
    for await (const line of lines) {
      if (!line) continue;
      batch.push(EJSON.parse(line, { relaxed: false }) as Record<string, unknown>);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (n !== e.documents)
      throw new Error(`${e.file}: ${n} documents read, the manifest says ${e.documents}`);
    restored[e.collection] = n;
  }
  // Erasure's look-up records were read apart from the feedback, so they may miss a feedback the
  // backup holds: the first erasure or retention sweep rebuilds them (docs/privacy.md).
  await markNotBackfilled(conn);
  return { manifest, restored };
}

function arg(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `backup --out <dir>` or `restore --from <dir> [--force]`, against MONGO_URL. */
export async function backupCli(cmd: 'backup' | 'restore', argv: string[]): Promise<void> {
  const dir = arg(argv, cmd === 'backup' ? '--out' : '--from');
  if (!dir) {
    console.error(
      cmd === 'backup'
        ? 'usage: npm run backup -- --out <dir>'
        : 'usage: npm run restore -- --from <dir> [--force]',
    );
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const conn = await connectMongo(config.mongoUrl);
  try {
    if (cmd === 'backup') {
      const m = await backupDatabase(conn, path.resolve(dir));
      const docs = m.collections.reduce((s, c) => s + c.documents, 0);
      console.log(`backup of ${m.collections.length} collections, ${docs} documents in ${dir}`);
    } else {
      const r = await restoreDatabase(conn, path.resolve(dir), { force: argv.includes('--force') });
      const docs = Object.values(r.restored).reduce((s, n) => s + n, 0);
      console.log(
        `restored ${Object.keys(r.restored).length} collections, ${docs} documents from ${dir} (backup of ${r.manifest.createdAt})`,
      );
    }
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  backupCli('backup', process.argv.slice(2)).catch((err: unknown) => {
    console.error('backup failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
