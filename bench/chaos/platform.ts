/**
 * The chaos run's platform: its own FerretDB (own data folder, free port) and its own persistent
 * Redis (append-only file) or a 3-master Redis Cluster, the catalog seeded, and the real processes
 * from dist/ — two api processes (each with its own DATA_DIR, so its own SMS spool) and two
 * workers — with the faults the run injects: kill -9 of a process, a Redis (or cluster master)
 * restart on the same port and data folder, FerretDB stopped and started again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { seed } from '../../scripts/seed';
import {
  freePort,
  indexFerretIds,
  startFerretDb,
  startRedis,
  startRedisCluster,
  type RunningServer,
} from '../../scripts/storage';

const DIST = path.resolve(__dirname, '..', '..');

export const CHAOS_PII_KEY = 'c'.repeat(64);
export const CHAOS_AUTH_TOKEN = 'chaos-twilio-auth-token-0123456789';
export const CHAOS_PUBLIC_URL = 'https://chaos.example.la';
export const CHAOS_TG_TOKEN = '7000000001:chaos-bot-token';
export const CHAOS_TG_SECRET = 'chaos-webhook-secret-0123456789';
const QUEUE_PREFIX = 'chaos';

export interface Proc {
  name: string;
  child: ChildProcess;
  /** CPU seconds (user + system) read just before it ended or at the end of the run. */
  cpuS: number;
}

/** User + system CPU seconds of a live process (Linux /proc), or null when it is gone. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosPlatform {
  readonly apiPorts: number[] = [];
  readonly apis: (Proc | null)[] = [null, null];
  readonly workers: (Proc | null)[] = [null, null];
  /** Processes that ended (killed or stopped), with their CPU time. */
  readonly ended: Proc[] = [];
  private redis: RunningServer | null = null;
  private cluster: { url: string; nodes: RunningServer[]; stop(): Promise<void> } | null = null;
  private ferret!: RunningServer;
  private ferretPort = 0;
  readonly ferretDir: string;
  mongoUrl = '';
  redisUrl = '';
  /** Redis CPU seconds of servers that were restarted. */
  private storageCpuEnded = 0;

  private constructor(
    readonly scratch: string,
    readonly cluster_: boolean,
    readonly botApiUrl: string,
    private readonly log: (m: string) => void,
    private readonly shippedLimits: boolean,
  ) {
    this.ferretDir = path.join(scratch, 'ferretdb');
    mkdirSync(path.join(scratch, 'logs'), { recursive: true });
  }

  /** The queue prefix the processes use (on a cluster, the one hash tag). */
  get prefix(): string {
    return this.cluster_ ? `{${QUEUE_PREFIX}}` : QUEUE_PREFIX;
  }

  apiDataDir(i: number): string {
    return path.join(this.scratch, `api-${i + 1}`);
  }

  spoolDir(i: number): string {
    return path.join(this.apiDataDir(i), 'spool', 'sms');
  }

  apiUrl(i: number): string {
    return `http://127.0.0.1:${this.apiPorts[i]}`;
  }

  static async start(opts: {
    scratch: string;
    cluster: boolean;
    botApiUrl: string;
    log: (m: string) => void;
    /** Keep the shipped abuse limits (the flood bench) instead of lifting them (the chaos run). */
    shippedLimits?: boolean;
  }): Promise<ChaosPlatform> {
    const p = new ChaosPlatform(
      opts.scratch,
      opts.cluster,
      opts.botApiUrl,
      opts.log,
      opts.shippedLimits ?? false,
    );
    p.ferretPort = await freePort();
    p.ferret = await startFerretDb({
      dataDir: p.ferretDir,
      port: p.ferretPort,
      logFile: path.join(opts.scratch, 'logs', 'ferretdb.log'),
    });
    p.mongoUrl = p.ferret.url.replace(/\/[^/]*$/, '/chaos');
    if (opts.cluster) {
      p.cluster = await startRedisCluster({ dataDir: path.join(opts.scratch, 'redis-cluster') });
      p.redisUrl = p.cluster.url;
    } else {
      p.redis = await startRedis({
        dataDir: path.join(opts.scratch, 'redis'),
        port: await freePort(),
        persist: true,
      });
      p.redisUrl = p.redis.url;
    }
    await seed(p.mongoUrl);
    p.log(indexFerretIds(p.ferret.sqliteDir!));
    for (let i = 0; i < 2; i++) p.apiPorts.push(await freePort());
    return p;
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      // Not 'production': production refuses a Bot API root other than Telegram's own (the run's
      // stand-in). Webhooks are signed and the drain grace on SIGTERM is production's.
      NODE_ENV: 'test',
      SHUTDOWN_READY_GRACE_MS: '5000',
      // The chaos run is about loss and duplicates under faults, with all its load from one
      // address and a few numbers and tablets: it lifts the abuse limits. The flood bench keeps
      // the shipped ones (it measures them).
      ...(this.shippedLimits
        ? {}
        : {
            RATE_WEB_PER_MIN: '100000',
            RATE_WEB_COUNTED_PER_HOUR: '100000',
            SMS_SPAM_PER_HOUR: '10000',
            TELEGRAM_COUNTED_PER_HOUR: '10000',
            KIOSK_MIN_GAP_MS: '0',
          }),
      MONGO_URL: this.mongoUrl,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX,
      PII_KEY: CHAOS_PII_KEY,
      STAFF_SESSION_SECRET: 's'.repeat(40),
      PUBLIC_BASE_URL: CHAOS_PUBLIC_URL,
      TWILIO_AUTH_TOKEN: CHAOS_AUTH_TOKEN,
      TELEGRAM_BOT_TOKEN: CHAOS_TG_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: CHAOS_TG_SECRET,
      TELEGRAM_API_ROOT: this.botApiUrl,
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  /** A process of dist/ with stdout and stderr appended to logs/<name>.log; onOut sees stdout. */
  private spawnLogged(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    onOut: (text: string) => void = () => undefined,
  ): ChildProcess {
    const out = openSync(path.join(this.scratch, 'logs', `${name}.log`), 'a');
    const child = spawn(process.execPath, [path.join(DIST, script)], {
      env,
      stdio: ['ignore', 'pipe', out],
    });
    child.stdout!.on('data', (d: Buffer) => {
      writeSync(out, d);
      onOut(d.toString());
    });
    return child;
  }

  /** Starts api i on its port; resolves once /readyz answers 200. */
  async startApi(i: number): Promise<void> {
    const name = `api-${i + 1}`;
    const child = this.spawnLogged(
      name,
      path.join('services', 'api', 'main.js'),
      this.env({ PORT: String(this.apiPorts[i]), DATA_DIR: this.apiDataDir(i) }),
    );
    this.apis[i] = { name, child, cpuS: 0 };
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode} at start`);
      try {
        const r = await fetch(`${this.apiUrl(i)}/readyz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return;
      } catch {
        /* starting */
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready after 30 s`);
      await sleep(100);
    }
  }

  /** Starts worker i; resolves when it logs "intake worker ready". */
  async startWorker(i: number): Promise<void> {
    const name = `worker-${i + 1}`;
    let ready = () => undefined as void;
    let seen = '';
    const child = this.spawnLogged(
      name,
      path.join('workers', 'main.js'),
      this.env({ DATA_DIR: path.join(this.scratch, name) }),
      (text) => {
        seen = (seen + text).slice(-2000);
        if (seen.includes('intake worker ready')) ready();
      },
    );
    this.workers[i] = { name, child, cpuS: 0 };
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${name} not ready after 60 s`)), 60_000);
      ready = () => {
        clearTimeout(t);
        resolve();
      };
      child.once('exit', (c) => {
        clearTimeout(t);
        reject(new Error(`${name} exited ${c} at start`));
      });
    });
  }

  private async kill(list: (Proc | null)[], i: number, signal: NodeJS.Signals): Promise<void> {
    const p = list[i];
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.cpuS = cpuSeconds(p.child.pid) ?? 0;
    const gone = new Promise((r) => p.child.once('exit', r));
    p.child.kill(signal);
    await gone;
    this.ended.push(p);
    list[i] = null;
  }

  killApi(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.kill(this.apis, i, signal);
  }

  killWorker(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.kill(this.workers, i, signal);
  }

  /** The cluster master that serves the platform's hash tag (all its keys live there). */
  private clusterOwner(): RunningServer {
    const nodes = this.cluster!.nodes;
    const slot = Number(
      spawnSync('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'keyslot', this.prefix], {
        encoding: 'utf8',
      }).stdout.trim(),
    );
    for (const n of nodes) {
      const lines = spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'nodes'], {
        encoding: 'utf8',
      }).stdout.split('\n');
      const me = lines.find((l) => l.includes('myself'));
      const ranges = me?.split(' ').slice(8) ?? [];
      for (const r of ranges) {
        const [a, b] = r.split('-').map(Number);
        if (slot >= a! && slot <= (b ?? a!)) return n;
      }
    }
    throw new Error(`no cluster master serves slot ${slot}`);
  }

  /**
   * Stops Redis (SIGTERM: it writes its append-only file and exits) — on a cluster, the master
   * that holds the platform's keys — and starts it again on the same port and data folder after
   * downMs. Returns which server was restarted.
   */
  async restartRedis(downMs: number): Promise<string> {
    if (this.cluster) {
      const owner = this.clusterOwner();
      const i = this.cluster.nodes.indexOf(owner);
      this.storageCpuEnded += cpuSeconds(owner.process?.pid) ?? 0;
      await owner.stop();
      await sleep(downMs);
      this.cluster.nodes[i] = await startRedis({
        dataDir: path.join(this.scratch, 'redis-cluster', `node-${i}`),
        port: owner.port,
        clusterNode: true,
      });
      // Wait until the cluster serves every slot again.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const info = spawnSync('redis-cli', ['-p', String(owner.port), 'cluster', 'info'], {
          encoding: 'utf8',
        }).stdout;
        if (/cluster_state:ok/.test(info)) break;
        await sleep(100);
      }
      return `cluster master node-${i} (127.0.0.1:${owner.port}, the slot of ${this.prefix})`;
    }
    const r = this.redis!;
    this.storageCpuEnded += cpuSeconds(r.process?.pid) ?? 0;
    await r.stop();
    await sleep(downMs);
    this.redis = await startRedis({
      dataDir: path.join(this.scratch, 'redis'),
      port: r.port,
      persist: true,
    });
    return `redis 127.0.0.1:${r.port}`;
  }

  async stopFerret(): Promise<void> {
    this.storageCpuEnded += cpuSeconds(this.ferret.process?.pid) ?? 0;
    await this.ferret.stop();
  }

  async startFerret(): Promise<void> {
    this.ferret = await startFerretDb({
      dataDir: this.ferretDir,
      port: this.ferretPort,
      logFile: path.join(this.scratch, 'logs', 'ferretdb.log'),
    });
  }

  /** Entries (and claims) waiting in each api's SMS spool; .tmp files counted apart. */
  spoolSizes(): { entries: number[]; tmp: number[] } {
    const entries: number[] = [];
    const tmp: number[] = [];
    for (let i = 0; i < 2; i++) {
      let names: string[] = [];
      try {
        names = readdirSync(this.spoolDir(i));
      } catch {
        /* not created yet */
      }
      entries.push(names.filter((n) => !n.startsWith('.tmp-')).length);
      tmp.push(names.filter((n) => n.startsWith('.tmp-')).length);
    }
    return { entries, tmp };
  }

  /** CPU seconds per role so far (live processes read now, ended ones as they ended). */
  cpuByRole(): Record<string, number> {
    const out: Record<string, number> = { api: 0, worker: 0, ferretdb: 0, redis: 0 };
    for (const p of [...this.apis, ...this.workers]) {
      if (!p) continue;
      const role = p.name.startsWith('api') ? 'api' : 'worker';
      out[role]! += cpuSeconds(p.child.pid) ?? p.cpuS;
    }
    for (const p of this.ended) out[p.name.startsWith('api') ? 'api' : 'worker']! += p.cpuS;
    out.ferretdb = cpuSeconds(this.ferret.process?.pid) ?? 0;
    const redisPids = this.cluster
      ? this.cluster.nodes.map((n) => n.process?.pid)
      : [this.redis?.process?.pid];
    out.redis = redisPids.reduce((a: number, pid) => a + (cpuSeconds(pid) ?? 0), 0);
    // Restarted storage servers' time is not split by role: FerretDB and Redis together.
    out.storageRestarted = this.storageCpuEnded;
    for (const k of Object.keys(out)) out[k] = Math.round(out[k]! * 10) / 10;
    return out;
  }

  /** After a failure of the run itself: kills every process it started, then stops the stores. */
  async abort(): Promise<void> {
    await Promise.all([0, 1].flatMap((i) => [this.killApi(i), this.killWorker(i)]));
    await this.ferret?.stop().catch(() => undefined);
    await this.cluster?.stop().catch(() => undefined);
    await this.redis?.stop().catch(() => undefined);
  }

  /** Stops everything: apis and workers gracefully, then the stores. */
  async stop(): Promise<void> {
    await Promise.all([0, 1].map((i) => this.killApi(i, 'SIGTERM')));
    await Promise.all([0, 1].map((i) => this.killWorker(i, 'SIGTERM')));
    await this.ferret.stop();
    if (this.cluster) await this.cluster.stop();
    if (this.redis) await this.redis.stop();
  }
}
