/**
 * `npm run classify:train [-- --out <file>]`: trains the learned classifier on the labelled sets
 * (test/fixtures, outside the locked split) and, with MONGO_URL set, on staff corrections, then
 * prints its cross-validated and locked-split scores. Without a database it writes the shipped
 * model (shared/classify/model.json); with one it stores a new active version in the database
 * (and writes the file too when --out is given).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalogView, seedCatalogView } from '../shared/catalog/catalog';
import { projectRoot } from '../shared/classify/labelled-sets';
import { trainFromSets } from '../shared/classify/retrain';
import { summary } from '../shared/classify/train';
import { connectMongo } from '../shared/db/mongo';
import { catalogModels } from '../shared/models/catalog.model';
import {
  classifierModels,
  loadCorrections,
  saveModelVersion,
} from '../shared/models/classifier-model.model';
import { feedbackModel } from '../shared/models/feedback.model';

async function main() {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : undefined;
  if (!process.env.MONGO_URL) {
    const run = trainFromSets(seedCatalogView(), []);
    const file = out ?? path.join(projectRoot(), 'shared', 'classify', 'model.json');
    writeFileSync(file, JSON.stringify(run.model.toFile()) + '\n');
    console.log(
      JSON.stringify({ version: run.model.version, file, ...summary(run.evaluation) }, null, 2),
    );
    return;
  }
  const conn = await connectMongo(process.env.MONGO_URL, { timeoutMs: 5000 });
  try {
    const [catalog, corrections] = await Promise.all([
      loadCatalogView(catalogModels(conn)),
      loadCorrections(feedbackModel(conn)),
    ]);
    const run = trainFromSets(catalog, corrections);
    await saveModelVersion(classifierModels(conn), run.model);
    if (out) writeFileSync(out, JSON.stringify(run.model.toFile()) + '\n');
    console.log(
      JSON.stringify(
        { version: run.model.version, corrections: corrections.length, ...summary(run.evaluation) },
        null,
        2,
      ),
    );
  } finally {
    await conn.close();
  }
}

main().catch((err) => {
  console.error('classify:train failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
