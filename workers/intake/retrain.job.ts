/**
 * The classifier's retraining job: a BullMQ job scheduler on the "classifier-retrain" queue (one
 * schedule however many workers run) checks every RETRAIN_EVERY_MS how many staff corrections the
 * database holds; once RETRAIN_MIN_NEW more than the active version was trained on have
 * accumulated, it trains a new version (quick mode: calibration kept from the active version) on
 * the labelled sets plus the corrections, stores it with its locked-split evaluation, and workers
 * pick it up at their next catalog refresh. A job with `{ force: true }` retrains at once.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { loadCatalogView } from '../../shared/catalog/catalog';
import { labelledSets } from '../../shared/classify/labelled-sets';
import { quickTrainFromSets } from '../../shared/classify/retrain';
import { shippedModel } from '../../shared/classify/shipped';
import type { Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import {
  classifierModels,
  loadActiveModel,
  loadCorrections,
  saveModelVersion,
} from '../../shared/models/classifier-model.model';
import { feedbackModel } from '../../shared/models/feedback.model';

export const QUEUE_CLASSIFIER_RETRAIN = 'classifier-retrain';
export const RETRAIN_JOB = 'retrain';
export const RETRAIN_EVERY_MS = 60 * 60_000;
export const RETRAIN_MIN_NEW = 10;

export interface RetrainDeps {
  conn: Connection;
  log: Logger;
  /** Labelled files (default: test/fixtures/classify-*.jsonl of the project). */
  files?: string[];
  minNew?: number;
}

export interface RetrainOutcome {
  trained: boolean;
  reason: string;
  version?: string;
  corrections: number;
}

/** One run: trains when enough new corrections have accumulated (or when forced). */
export async function retrainIfDue(deps: RetrainDeps, force = false): Promise<RetrainOutcome> {
  const models = classifierModels(deps.conn);
  const [active, corrections, catalog] = await Promise.all([
    loadActiveModel(models),
    loadCorrections(feedbackModel(deps.conn)),
    loadCatalogView(catalogModels(deps.conn)),
  ]);
  const base = active ?? shippedModel();
  const fresh = corrections.length - base.meta.trainedOn.corrections;
  if (!force && fresh < (deps.minNew ?? RETRAIN_MIN_NEW))
    return { trained: false, reason: `${fresh} new corrections`, corrections: corrections.length };
  if (!labelledSets(deps.files).open.length)
    return { trained: false, reason: 'no labelled sets here', corrections: corrections.length };
  const run = quickTrainFromSets(catalog, corrections, base, deps.files);
  await saveModelVersion(models, run.model);
  deps.log.info('classifier retrained', {
    version: run.model.version,
    corrections: corrections.length,
    locked: run.model.meta.evaluation,
  });
  return {
    trained: true,
    reason: force ? 'forced' : `${fresh} new corrections`,
    version: run.model.version,
    corrections: corrections.length,
  };
}

/** Schedules the job and runs it; `everyMs` 0 leaves only jobs added by hand. */
export async function startRetrainJobs(
  connection: IORedis,
  prefix: string,
  deps: RetrainDeps,
  everyMs = RETRAIN_EVERY_MS,
): Promise<{ queue: Queue; worker: Worker; close(): Promise<void> }> {
  const queue = new Queue(QUEUE_CLASSIFIER_RETRAIN, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: 20, removeOnFail: 50, attempts: 2 },
  });
  if (everyMs > 0)
    await queue.upsertJobScheduler(RETRAIN_JOB, { every: everyMs }, { name: RETRAIN_JOB });
  const worker = new Worker(
    QUEUE_CLASSIFIER_RETRAIN,
    async (job: Job) => retrainIfDue(deps, (job.data as { force?: unknown })?.force === true),
    // Training holds the CPU for a few seconds: give the lock room and run one at a time.
    { connection, prefix, concurrency: 1, lockDuration: 120_000 },
  );
  worker.on('failed', (job, err) =>
    deps.log.error('classifier retraining failed', { job: job?.id, error: err.message }),
  );
  worker.on('error', (err) => deps.log.error('retrain worker error', { error: err.message }));
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
