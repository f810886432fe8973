/**
 * Intake workers as separate processes would run them: each with its own Redis connection, its own
 * MongoDB connection, its own store and rollup writer; optionally with a count fault hook (a throw
 * there stands for a crash at that point). Also a seeded fault injector for the crash tests.
 */
import type { Worker } from 'bullmq';
import { loadCatalogView } from '../../shared/catalog/catalog';
import { connectMongo } from '../../shared/db/mongo';
import { createLogger } from '../../shared/logger';
import { aliasModel, loadAliases } from '../../shared/models/alias.model';
import { catalogModels } from '../../shared/models/catalog.model';
import { redisConnection } from '../../shared/queues';
import { CatalogTextClassifier } from '../../workers/intake/classify.step';
import { createIntakeWorker } from '../../workers/intake/intake.worker';
import type { CountFault, CountFaultPoint } from '../../workers/intake/rollup-writer';
import { createFeedbackStore } from '../../workers/intake/store.step';
import type { TestPlatform } from './platform';

export interface SeparateWorker {
  worker: Worker;
  /** Jobs this worker completed. */
  completed: number;
  close(): Promise<void>;
}

export async function startSeparateWorker(
  p: TestPlatform,
  opts: { fault?: CountFault; concurrency?: number } = {},
): Promise<SeparateWorker> {
  const conn = await connectMongo(p.config.mongoUrl);
  const redis = redisConnection(p.config.redisUrl, 'worker');
  redis.on('error', () => undefined);
  const store = await createFeedbackStore(conn, redis, p.config.queuePrefix, {
    fault: opts.fault,
  });
  const catalog = catalogModels(conn);
  const config = opts.concurrency
    ? { ...p.config, intake: { ...p.config.intake, concurrency: opts.concurrency } }
    : p.config;
  const worker = createIntakeWorker({
    config,
    connection: redis,
    store,
    vault: p.vault,
    codes: p.codes,
    classifier: new CatalogTextClassifier({
      catalog: () => loadCatalogView(catalog),
      aliases: () => loadAliases(aliasModel(conn)),
    }),
    log: createLogger('test', 'silent'),
  });
  worker.on('error', () => undefined);
  const w: SeparateWorker = {
    worker,
    completed: 0,
    async close() {
      await worker.close(true).catch(() => undefined);
      redis.disconnect();
      await conn.close();
    },
  };
  worker.on('completed', () => w.completed++);
  await worker.waitUntilReady();
  return w;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing chaos run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rule {
  point: CountFaultPoint;
  doc?: string;
  bucket?: string;
  times: number;
}

/** A count fault hook tests arm: the next matching point throws, as a crash would stop there. */
export class FaultInjector {
  private rules: Rule[] = [];
  /** Every injected crash, as `point doc|bucket`. */
  readonly fired: string[] = [];
  /** With a random source, every point also fails with this probability. */
  constructor(
    private readonly random?: () => number,
    private readonly probability = 0,
  ) {}

  fail(point: CountFaultPoint, where: { doc?: string; bucket?: string; times?: number } = {}) {
    this.rules.push({ point, doc: where.doc, bucket: where.bucket, times: where.times ?? 1 });
  }

  readonly hook: CountFault = (point, detail) => {
    const rule = this.rules.find(
      (r) =>
        r.point === point &&
        r.times > 0 &&
        (!r.doc || r.doc === detail.doc) &&
        (!r.bucket || r.bucket === detail.bucket),
    );
    if (rule) rule.times--;
    if (rule || (this.random && this.random() < this.probability)) {
      this.fired.push(`${point} ${detail.doc ?? detail.bucket ?? ''}`);
      throw new Error(`injected crash at ${point}`);
    }
  };
}
