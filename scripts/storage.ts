/**
 * Embedded storage for local use and tests (docs/storage.md): builds FerretDB 1.24.2
 * from the Go module proxy once and caches the binary, runs it with its SQLite backend under a
 * data folder, and makes sure a Redis answers (starting Debian's redis-server when none does).
 * Production points MONGO_URL / REDIS_URL at real servers instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const FERRETDB_VERSION = 'v1.24.2';
/** The repository root, from the sources (scripts/) or from the build (dist/scripts/). */
const REPO_ROOT =
  path.basename(path.dirname(__dirname)) === 'dist'
    ? path.resolve(__dirname, '..', '..')
    : path.resolve(__dirname, '..');
const MODULE_DIR = path.join(REPO_ROOT, 'scripts', 'ferretdb');

function cacheDir(): string {
  return (
    process.env.ODSC_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'odsc-feedback')
  );
}

export function ferretBinaryPath(): string {
  return process.env.FERRETDB_BIN ?? path.join(cacheDir(), `ferretdb-${FERRETDB_VERSION}`);
}

/** The idindex helper (scripts/ferretdb/idindex), cached under a hash of its source. */
export function idIndexBinaryPath(): string {
  const src = readFileSync(path.join(MODULE_DIR, 'idindex', 'main.go'));
  const hash = createHash('sha256')
    .update(src)
    .update(readFileSync(path.join(MODULE_DIR, 'go.sum')))
    .digest('hex')
    .slice(0, 12);
  return path.join(cacheDir(), `ferretdb-idindex-${hash}`);
}

function findGo(): string | null {
  for (const candidate of ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    const r = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/** Thrown when embedded storage cannot be provided; the message says what to do instead. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/**
 * Builds the FerretDB binary if it is not cached yet. The module's build/version/version.txt is
 * generated upstream by their release tooling and absent from the module zip, so the build
 * vendors the module into a scratch folder and writes it there (the cached source stays as is).
 */
export function ensureFerretBinary(log: (msg: string) => void = () => undefined): {
  server: string;
  idIndex: string;
} {
  const server = ferretBinaryPath();
  const idIndex = idIndexBinaryPath();
  if (existsSync(server) && existsSync(idIndex)) return { server, idIndex };
  const go = findGo();
  if (!go) {
    throw new StorageError(
      'FerretDB (the embedded MongoDB-compatible store) must be built, but Go is not installed.\n' +
        'Do one of these:\n' +
        '  - install Go 1.24+ (https://go.dev/doc/install; Debian 12 packages an older Go) and run again;\n' +
        '  - set MONGO_URL to a MongoDB 7 server (e.g. mongodb://127.0.0.1:27017/odsc);\n' +
        '  - or run the whole platform with `docker compose up`.',
    );
  }
  const work = path.join(cacheDir(), `ferretdb-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of ['go.mod', 'go.sum', 'tools.go'])
    copyFileSync(path.join(MODULE_DIR, f), path.join(work, f));
  cpSync(path.join(MODULE_DIR, 'idindex'), path.join(work, 'idindex'), { recursive: true });
  log(`building FerretDB ${FERRETDB_VERSION} from the Go module proxy (about a minute, once)…`);
  const env = { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
  const go_ = (args: string[]) => {
    const r = spawnSync(go, args, { cwd: work, env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0)
      throw new StorageError(`FerretDB build failed: go ${args.join(' ')} exited ${r.status}`);
  };
  try {
    go_(['mod', 'vendor']);
    const versionDir = path.join(
      work,
      'vendor',
      'github.com',
      'FerretDB',
      'FerretDB',
      'build',
      'version',
    );
    writeFileSync(path.join(versionDir, 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(path.dirname(server), { recursive: true });
    for (const [pkg, out] of [
      ['github.com/FerretDB/FerretDB/cmd/ferretdb', server],
      ['./idindex', idIndex],
    ] as const) {
      const tmp = `${out}.tmp-${process.pid}`;
      go_(['build', '-mod=vendor', '-trimpath', '-o', tmp, pkg]);
      renameSync(tmp, out);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`FerretDB built: ${server}`);
  return { server, idIndex };
}

/**
 * Adds the _id expression indexes FerretDB 1.24's SQLite queries can use (see
 * scripts/ferretdb/idindex). Run it after the collections exist; it is idempotent.
 */
export function indexFerretIds(sqliteDir: string): string {
  const { idIndex } = ensureFerretBinary();
  const r = spawnSync(idIndex, [sqliteDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new StorageError(`idindex failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForPort(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portOpen(port, host)) return;
    if (Date.now() > deadline)
      throw new StorageError(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** A free TCP port on 127.0.0.1 (for test servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  /** FerretDB only: its SQLite data folder (for indexFerretIds). */
  sqliteDir?: string;
  process?: ChildProcess;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts FerretDB with the SQLite backend in `dataDir`, listening on 127.0.0.1:port only, with
 * telemetry off and no debug listener: it never reaches the network.
 */
export async function startFerretDb(opts: {
  dataDir: string;
  port: number;
  database?: string;
  logFile?: string;
}): Promise<RunningServer> {
  const bin = ensureFerretBinary((m) => console.log(m)).server;
  const sqliteDir = path.join(opts.dataDir, 'sqlite');
  const stateDir = path.join(opts.dataDir, 'state');
  mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--listen-addr=127.0.0.1:${opts.port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      `--state-dir=${stateDir}`,
      '--log-level=warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new StorageError(`FerretDB exited with code ${code} before it was ready`)),
    ),
  );
  await Promise.race([waitForPort(opts.port), exited]);
  return {
    url: `mongodb://127.0.0.1:${opts.port}/${opts.database ?? 'odsc'}`,
    port: opts.port,
    sqliteDir,
    process: child,
    stop: () => stopChild(child),
  };
}

async function redisPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    let buf = '';
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) {
        s.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
  });
}

/**
 * Starts a redis-server from Debian's package with its data in `dataDir` (append-only file,
 * noeviction, as in production). Port 0 is not supported by redis, so pick one with freePort().
 */
export async function startRedis(opts: {
  dataDir: string;
  port: number;
  persist?: boolean;
  /** A node of a Redis Cluster (cluster-enabled, its nodes file in dataDir). */
  clusterNode?: boolean;
}): Promise<RunningServer> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new StorageError(
      'Redis is not running and redis-server is not installed.\n' +
        'Install it (`apt-get install redis-server`), start one, or set REDIS_URL.',
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const persist = opts.persist ?? true;
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(opts.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      opts.dataDir,
      '--appendonly',
      persist ? 'yes' : 'no',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--logfile',
      path.join(opts.dataDir, 'redis.log'),
      ...(opts.clusterNode
        ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']
        : []),
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await redisPing(opts.port))) {
    if (child.exitCode !== null)
      throw new StorageError(
        `redis-server exited with code ${child.exitCode}; see ${opts.dataDir}/redis.log`,
      );
    if (Date.now() > deadline) throw new StorageError('redis-server did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `redis://127.0.0.1:${opts.port}`,
    port: opts.port,
    process: child,
    stop: () => stopChild(child),
  };
}

/**
 * A Redis Cluster of `masters` nodes (no replicas) on free ports, made with `redis-cli --cluster
 * create`; resolves when every slot is served. Its URL is `redis-cluster://127.0.0.1:p1,…`.
 */
export async function startRedisCluster(opts: {
  dataDir: string;
  masters?: number;
}): Promise<{ url: string; nodes: RunningServer[]; stop(): Promise<void> }> {
  const nodes: RunningServer[] = [];
  for (let i = 0; i < (opts.masters ?? 3); i++)
    nodes.push(
      await startRedis({
        dataDir: path.join(opts.dataDir, `node-${i}`),
        port: await freePort(),
        clusterNode: true,
      }),
    );
  const create = spawnSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { encoding: 'utf8' },
  );
  const stop = async () => {
    for (const n of nodes) await n.stop();
  };
  if (create.status !== 0) {
    await stop();
    throw new StorageError(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = spawnSync('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'info'], {
      encoding: 'utf8',
    });
    if (/cluster_state:ok/.test(info.stdout) && /cluster_slots_ok:16384/.test(info.stdout)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new StorageError(`the Redis Cluster did not become ready: ${info.stdout}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    stop,
  };
}

/**
 * Makes sure the Redis at `url` answers. A local URL with nothing listening gets a redis-server
 * started under dataDir; a remote URL that does not answer is an error.
 */
export async function ensureRedis(url: string, dataDir: string): Promise<RunningServer> {
  const u = new URL(url);
  const port = Number(u.port || 6379);
  const host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname;
  if (await redisPing(port, host)) return { url, port, stop: async () => undefined };
  if (!u.password && (host === '127.0.0.1' || host === '::1')) return startRedis({ dataDir, port });
  throw new StorageError(`Redis at ${u.host} does not answer (REDIS_URL).`);
}
