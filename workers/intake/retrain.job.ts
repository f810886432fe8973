/**
 * The classifier's retraining job: a BullMQ job scheduler on the "classifier-retrain" queue (one
 * schedule however many workers run) checks every RETRAIN_EVERY_MS how many staff corrections the
 * database holds; once RETRAIN_MIN_NEW more than the active version was trained on have
 * accumulated, it trains a new version (quick mode: calibration kept from the active version) on
 * the labelled sets plus the corrections and stores it with its locked-split evaluation. The new
 * version becomes active only when, on the locked split, it is not worse than the active version
 * by more than one message in any field (shared/classify/retrain.ts `guardVerdict`); otherwise it
 * is stored inactive with the reason, and the active version stays. Workers pick up a new active
 * version at their next catalog refresh. A job with `{ force: true }` retrains at once. Training
 * runs in a worker thread (shared/classify/retrain-thread.ts): the worker's event loop stays free
 * for the intake and notification jobs beside it.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Connection } from 'mongoose';
import { loadCatalogView } from '../../shared/catalog/catalog';
import { labelledSets } from '../../shared/classify/labelled-sets';
import { quickTrainInThread, stopRetrainThreads } from '../../shared/classify/retrain';
import { shippedModel } from '../../shared/classify/shipped';
import type { Logger } from '../../shared/logger';
import { catalogModels } from '../../shared/models/catalog.model';
import {
  classifierModels,
  latestVersion,
  loadActiveModel,
  loadCorrections,
  saveModelVersion,
} from '../../shared/models/classifier-model.model';
import { feedbackModel } from '../../shared/models/feedback.model';

export const QUEUE_CLASSIFIER_RETRAIN = 'classifier-retrain';
export const RETRAIN_JOB = 'retrain';
export const RETRAIN_EVERY_MS = 60 * 60_000;
export const RETRAIN_MIN_NEW = 10;
/** The retrain job's lock: renewed every half of it while the thread trains (see the worker below). */
export const RETRAIN_LOCK_MS = 2 * 60_000;

export interface RetrainDeps {
  conn: Connection;
  log: Logger;
  /** Labelled files (default: test/fixtures/classify-*.jsonl of the project). */
  files?: string[];
  minNew?: number;
}

export interface RetrainOutcome {
  trained: boolean;
  /** A new version was trained and passed the guard: it is now the active one. */
  activated: boolean;
  reason: string;
  version?: string;
  corrections: number;
}

/** One run: trains when enough new corrections have accumulated (or when forced). */
export async function retrainIfDue(deps: RetrainDeps, force = false): Promise<RetrainOutcome> {
  const models = classifierModels(deps.conn);
  const [active, latest, corrections, catalog] = await Promise.all([
    loadActiveModel(models),
    latestVersion(models),
    loadCorrections(feedbackModel(deps.conn)),
    loadCatalogView(catalogModels(deps.conn)),
  ]);
  const base = active ?? shippedModel();
  // Counted from the last training run, kept or rejected: a rejected version is not retrained
  // every hour on the same corrections.
  const seen = Math.max(base.meta.trainedOn.corrections, latest?.trainedOn.corrections ?? 0);
  const fresh = corrections.length - seen;
  const skip = (reason: string): RetrainOutcome => ({
    trained: false,
    activated: false,
    reason,
    corrections: corrections.length,
  });
  if (!force && fresh < (deps.minNew ?? RETRAIN_MIN_NEW)) return skip(`${fresh} new corrections`);
  if (!labelledSets(deps.files).open.length) return skip('no labelled sets here');
  const run = await quickTrainInThread(catalog, corrections, base, deps.files);
  const { accept, reason } = run.verdict;
  await saveModelVersion(models, run.model, accept ? {} : { rejected: reason });
  const fields = Object.fromEntries(
    run.verdict.fields.map((f) => [f.field, { active: f.active, candidate: f.candidate }]),
  );
  if (accept)
    deps.log.info('classifier retrained and activated', {
      version: run.model.version,
      replaces: base.version,
      corrections: corrections.length,
      locked: fields,
    });
  else
    deps.log.warn('classifier retrained but kept inactive: worse on the locked split', {
      version: run.model.version,
      active: base.version,
      corrections: corrections.length,
      locked: fields,
    });
  return {
    trained: true,
    activated: accept,
    reason: `${force ? 'forced' : `${fresh} new corrections`}; ${reason}`,
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
    // Training (about 40 s on 6,500 labelled messages on an idle core, minutes on a loaded host)
    // runs in a thread, so this event loop renews the lock meanwhile. One at a time.
    { connection, prefix, concurrency: 1, lockDuration: RETRAIN_LOCK_MS },
  );
  worker.on('failed', (job, err) =>
    deps.log.error('classifier retraining failed', { job: job?.id, error: err.message }),
  );
  worker.on('error', (err) => deps.log.error('retrain worker error', { error: err.message }));
  return {
    queue,
    worker,
    async close() {
      // A run in progress would hold worker.close() for minutes: end it (the job is retried).
      await stopRetrainThreads();
      await worker.close();
      await queue.close();
    },
  };
}
