/**
 * `npm run classify`: JSON lines `{"id","text"}` on stdin → one JSON line per message on stdout
 * with center, service, topics, kind, sentiment, confidence and method — the worker's own text
 * classifier, rules and learned model (`model` names its version). Uses the seed catalog and the
 * shipped model (shared/classify/model.json); with MONGO_URL set, the database's catalog, learned
 * phrases and newest active model version.
 * A line that is not valid input gets `{"id","error"}` and the rest go on.
 */
import readline from 'node:readline';
import { loadCatalogView, seedCatalogView } from '../shared/catalog/catalog';
import { shippedModel } from '../shared/classify/shipped';
import { TextClassifier } from '../shared/classify/text-classifier';
import { connectMongo } from '../shared/db/mongo';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { catalogModels } from '../shared/models/catalog.model';
import { classifierModels, loadActiveModel } from '../shared/models/classifier-model.model';

async function classifier(): Promise<TextClassifier> {
  if (!process.env.MONGO_URL) return new TextClassifier(seedCatalogView(), [], shippedModel());
  const conn = await connectMongo(process.env.MONGO_URL, { timeoutMs: 5000 });
  try {
    const [catalog, aliases, model] = await Promise.all([
      loadCatalogView(catalogModels(conn)),
      loadAliases(aliasModel(conn)),
      loadActiveModel(classifierModels(conn)),
    ]);
    return new TextClassifier(catalog, aliases, model ?? shippedModel());
  } finally {
    await conn.close();
  }
}

async function main() {
  const c = await classifier();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let id: unknown = null;
    try {
      const msg = JSON.parse(line) as { id?: unknown; text?: unknown };
      id = msg.id ?? null;
      if (typeof msg.text !== 'string') throw new Error('"text" must be a string');
      const r = c.classify(msg.text);
      process.stdout.write(
        JSON.stringify({
          id,
          center: r.center.code,
          service: r.service.code,
          topics: r.topics.map((t) => t.code),
          kind: r.kind.code,
          sentiment: r.sentiment,
          confidence: {
            center: r.center.confidence,
            service: r.service.confidence,
            kind: r.kind.confidence,
          },
          method: {
            center: r.center.method,
            service: r.service.method,
            kind: r.kind.method,
            topics: r.topics.map((t) => t.method),
          },
          model: c.model?.version ?? null,
        }) + '\n',
      );
    } catch (err) {
      process.stdout.write(
        JSON.stringify({ id, error: err instanceof Error ? err.message : String(err) }) + '\n',
      );
    }
  }
}

main().catch((err) => {
  console.error('classify failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
