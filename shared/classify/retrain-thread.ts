/**
 * The entry of the thread the retraining job trains in (shared/classify/retrain.ts
 * `quickTrainInThread`): training takes 40 s to minutes of CPU, and on the worker's own thread it
 * would hold the event loop, so that the intake and notification jobs beside it could not renew
 * their locks. Here it gets the catalog, the corrections and the active version as plain data,
 * runs `quickTrainFromSets`, and posts back the new version's file and the guard's verdict.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { catalogView } from '../catalog/catalog';
import { ClassifierModel } from './model';
import { quickTrainFromSets, type ThreadInput, type ThreadOutput } from './retrain';

if (parentPort && (workerData as ThreadInput | undefined)?.kind === 'odsc-quick-retrain') {
  const input = workerData as ThreadInput;
  const catalog = catalogView(input.catalog.centers, input.catalog.services, input.catalog.topics);
  const run = quickTrainFromSets(
    catalog,
    input.corrections,
    ClassifierModel.fromFile(input.base),
    input.files,
  );
  const out: ThreadOutput = { model: run.model.toFile(), verdict: run.verdict };
  parentPort.postMessage(out);
}
