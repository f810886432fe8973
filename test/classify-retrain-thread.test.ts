/**
 * The retraining thread (shared/classify/retrain-thread.ts, run from the build in dist/): stopped at
 * shutdown, a run fails at once instead of holding the worker process for the minutes it trains.
 */
import { seedCatalogView } from '../shared/catalog/catalog';
import { quickTrainInThread, stopRetrainThreads } from '../shared/classify/retrain';
import { shippedModel } from '../shared/classify/shipped';

test('a training run stopped at shutdown fails with a clear error (the job is retried later)', async () => {
  const run = quickTrainInThread(seedCatalogView(), [], shippedModel());
  run.catch(() => undefined); // awaited below
  await new Promise((r) => setTimeout(r, 1000)); // the thread has started training
  await stopRetrainThreads();
  // Training all the labelled sets takes minutes: without the stop this would outlast the test.
  await expect(run).rejects.toThrow(/retraining thread stopped \(exit code 1\) without a model/);
}, 30_000);
