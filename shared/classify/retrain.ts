/**
 * One training run: the labelled sets (outside the locked split) plus staff corrections → a new
 * model version with its evaluation. `npm run classify:train` and the retraining job both call it;
 * the job only when enough new corrections have accumulated since the active version.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CatalogView } from '../catalog/catalog';
import { evaluate, type EvalReport, type LabelledMessage } from './evaluate';
import { ClassifierModel, type ModelFile, type TrainingExample } from './model';
import { labelledSets, projectRoot } from './labelled-sets';
import { TextClassifier } from './text-classifier';
import { buildModel, buildQuick, type ModelEvaluation } from './train';
import type { DetailedReport } from './report';

/**
 * How many times a staff correction counts against a fixture line. 3 moved the model too far (locked
 * service accuracy fell 0.770 → 0.745 in test/classify-retrain.test.ts; with 1 it fell to 0.752).
 */
export const CORRECTION_WEIGHT = 1;

let counter = 0;
/** A sortable, unique version name. */
export function newVersion(now = new Date()): string {
  counter = (counter + 1) % 1000;
  return `${now.toISOString().replace(/[:.]/g, '-')}-${counter.toString().padStart(3, '0')}`;
}

export interface TrainRun {
  model: ClassifierModel;
  evaluation: ModelEvaluation;
}

export function trainFromSets(
  catalog: CatalogView,
  corrections: TrainingExample[],
  files?: string[],
): TrainRun {
  const sets = labelledSets(files);
  if (!sets.open.length) throw new Error('no labelled messages to train on');
  const rules = new TextClassifier(catalog);
  const weighted = corrections.map((c) => ({ ...c, weight: c.weight ?? CORRECTION_WEIGHT }));
  return buildModel(rules, sets.open, sets.locked, weighted, {
    version: newVersion(),
    trainedOn: {
      examples: sets.open.length,
      corrections: corrections.length,
      sources: sets.files.map((f) => f.split('/').pop()!),
    },
  });
}

/** One field of the guard: the active version's score, the candidate's, and what may be lost. */
export interface GuardField {
  field: 'center' | 'service' | 'topicsF1' | 'kind' | 'centerNoneKept' | 'serviceNoneKept';
  active: number;
  candidate: number;
  /** The largest drop allowed: one message's worth of this field's score, plus rounding. */
  tolerance: number;
}

export interface GuardVerdict {
  /** True when no field drops by more than its tolerance: the candidate may become active. */
  accept: boolean;
  /** Why, in one line (kept with the version). */
  reason: string;
  fields: GuardField[];
}

/** Scores are rounded to 3 decimals (evaluate.ts): allow for it. */
const ROUNDING = 0.001;

/**
 * The activation rule of a retrained version: scored on the same locked split with the same rules,
 * it must not be worse than the active version by more than one message in any field — center,
 * service and kind accuracy may each lose at most one message of those they are counted on
 * (1/labelled, 1/labelled, 1/messages), topics F1 at most 1/(topic labels in the split), about
 * one topic decision. Accuracy counts only labelled messages, so a version that names a center or
 * service where there is none would pass on it alone: "none kept" (of the messages without one)
 * may also lose at most one message. A version that fails is kept inactive, with the reason.
 */
export function guardVerdict(
  locked: LabelledMessage[],
  active: EvalReport,
  candidate: EvalReport,
): GuardVerdict {
  const topicLabels = locked.reduce((n, m) => n + m.topics.length, 0);
  const one = (denominator: number) => (denominator ? 1 / denominator : 0) + ROUNDING;
  const fields: GuardField[] = [
    {
      field: 'center',
      active: active.center.accuracy,
      candidate: candidate.center.accuracy,
      tolerance: one(active.center.labelled),
    },
    {
      field: 'service',
      active: active.service.accuracy,
      candidate: candidate.service.accuracy,
      tolerance: one(active.service.labelled),
    },
    {
      field: 'centerNoneKept',
      active: active.center.noneKept,
      candidate: candidate.center.noneKept,
      tolerance: one(active.n - active.center.labelled),
    },
    {
      field: 'serviceNoneKept',
      active: active.service.noneKept,
      candidate: candidate.service.noneKept,
      tolerance: one(active.n - active.service.labelled),
    },
    {
      field: 'topicsF1',
      active: active.topics.f1,
      candidate: candidate.topics.f1,
      tolerance: one(topicLabels),
    },
    {
      field: 'kind',
      active: active.kind.accuracy,
      candidate: candidate.kind.accuracy,
      tolerance: one(active.n),
    },
  ].map((f) => ({ ...f, tolerance: Math.round(f.tolerance * 10000) / 10000 }) as GuardField);
  const worse = fields.filter((f) => f.active - f.candidate > f.tolerance + 1e-9);
  const show = (f: GuardField) => `${f.field} ${f.active.toFixed(3)} → ${f.candidate.toFixed(3)}`;
  return {
    accept: worse.length === 0,
    reason: worse.length
      ? `worse than the active version on the locked split: ${worse.map(show).join(', ')}`
      : `not worse than the active version on the locked split (${fields.map(show).join(', ')})`,
    fields,
  };
}

export interface QuickRun {
  model: ClassifierModel;
  /** The candidate on the locked split. */
  locked: DetailedReport;
  /** The guard: the candidate against `base` on the same locked split. */
  verdict: GuardVerdict;
}

/**
 * The quick retraining of the scheduled job (calibration kept from `base`, the active version),
 * with the guard's verdict against `base`. The verdict is also written into the candidate's
 * evaluation (`guard`).
 */
export function quickTrainFromSets(
  catalog: CatalogView,
  corrections: TrainingExample[],
  base: ClassifierModel,
  files?: string[],
): QuickRun {
  const sets = labelledSets(files);
  const rules = new TextClassifier(catalog);
  const weighted = corrections.map((c) => ({ ...c, weight: c.weight ?? CORRECTION_WEIGHT }));
  const run = buildQuick(
    rules,
    sets.open,
    sets.locked,
    weighted,
    {
      version: newVersion(),
      trainedOn: {
        examples: sets.open.length,
        corrections: corrections.length,
        sources: sets.files.map((f) => f.split('/').pop()!),
      },
    },
    base,
  );
  const verdict = guardVerdict(
    sets.locked,
    evaluate(rules.withModel(base), sets.locked),
    run.locked,
  );
  run.model.meta.evaluation = {
    ...(run.model.meta.evaluation as object),
    guard: {
      against: base.version,
      accepted: verdict.accept,
      reason: verdict.reason,
      fields: verdict.fields,
    },
  };
  return { ...run, verdict };
}

/** What the retraining thread gets (shared/classify/retrain-thread.ts): plain data only. */
export interface ThreadInput {
  kind: 'odsc-quick-retrain';
  catalog: Pick<CatalogView, 'centers' | 'services' | 'topics'>;
  corrections: TrainingExample[];
  base: ModelFile;
  files?: string[];
}

/** What it sends back. */
export interface ThreadOutput {
  model: ModelFile;
  verdict: GuardVerdict;
}

/**
 * The thread's script: beside this module when it runs compiled; under ts-jest, which compiles in
 * memory, the build in dist/ (test/global-setup.ts builds it before every test run).
 */
export function retrainThreadScript(): string {
  const here = path.join(__dirname, 'retrain-thread.js');
  if (existsSync(here)) return here;
  const built = path.join(projectRoot(), 'dist', 'shared', 'classify', 'retrain-thread.js');
  if (existsSync(built)) return built;
  throw new Error(`retraining thread script not found (${here}, ${built}): run npm run build`);
}

/** The training threads running in this process (stopRetrainThreads ends them). */
const running = new Set<Worker>();

/**
 * Stops every training thread of this process (at shutdown: a run takes minutes, longer than a
 * container's grace period). Their runs fail ("stopped … without a model"), and the job that
 * started them is retried later.
 */
export async function stopRetrainThreads(): Promise<void> {
  await Promise.all([...running].map((t) => t.terminate()));
}

/**
 * `quickTrainFromSets` in a worker thread, so that the calling process's event loop stays free
 * while it trains (BullMQ renews the locks of the jobs beside it; the api keeps answering). The
 * catalog goes as plain documents (a JSON round trip drops ObjectIds and Maps; the thread builds
 * its view again), the active version as its file.
 */
export function quickTrainInThread(
  catalog: CatalogView,
  corrections: TrainingExample[],
  base: ClassifierModel,
  files?: string[],
): Promise<{ model: ClassifierModel; verdict: GuardVerdict }> {
  const input: ThreadInput = {
    kind: 'odsc-quick-retrain',
    catalog: JSON.parse(
      JSON.stringify({
        centers: catalog.centers,
        services: catalog.services,
        topics: catalog.topics,
      }),
    ) as ThreadInput['catalog'],
    corrections,
    base: base.toFile(),
    files,
  };
  return new Promise((resolve, reject) => {
    let done = false;
    const thread = new Worker(retrainThreadScript(), { workerData: input });
    running.add(thread);
    thread.once('message', (out: ThreadOutput) => {
      done = true;
      resolve({ model: ClassifierModel.fromFile(out.model), verdict: out.verdict });
    });
    thread.once('error', (err) => {
      done = true;
      reject(err);
    });
    thread.once('exit', (code) => {
      running.delete(thread);
      if (!done)
        reject(new Error(`the retraining thread stopped (exit code ${code}) without a model`));
    });
  });
}
