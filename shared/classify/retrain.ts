/**
 * One training run: the labelled sets (outside the locked split) plus staff corrections → a new
 * model version with its evaluation. `npm run classify:train` and the retraining job both call it;
 * the job only when enough new corrections have accumulated since the active version.
 */
import type { CatalogView } from '../catalog/catalog';
import type { ClassifierModel, TrainingExample } from './model';
import { labelledSets } from './labelled-sets';
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

/** The quick retraining of the scheduled job (calibration kept from `base`). */
export function quickTrainFromSets(
  catalog: CatalogView,
  corrections: TrainingExample[],
  base: ClassifierModel,
  files?: string[],
): { model: ClassifierModel; locked: DetailedReport } {
  const sets = labelledSets(files);
  const rules = new TextClassifier(catalog);
  const weighted = corrections.map((c) => ({ ...c, weight: c.weight ?? CORRECTION_WEIGHT }));
  return buildQuick(
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
}
