/**
 * `npm run eval:classify`: trains the learned model afresh on the labelled sets (outside the locked
 * split) and prints, SEPARATELY, the k-fold cross-validated scores and the locked-split scores:
 * per field, per class, confusion tables, calibration error and what triage does.
 * `npm run eval:classify -- file.jsonl`: scores the shipped classifier (rules + shipped model) on
 * that file, as before (accuracy, precision, recall per field, topic F1, kind, confusions), with
 * the rules alone beside it. A file the model was trained on scores too well: say so.
 */
import { seedCatalogView } from '../shared/catalog/catalog';
import { evaluate, type EvalReport, type LabelledMessage } from '../shared/classify/evaluate';
import { readLabelled as readFile } from '../shared/classify/labelled-sets';
import { trainFromSets } from '../shared/classify/retrain';
import type { DetailedReport } from '../shared/classify/report';
import { shippedModel } from '../shared/classify/shipped';
import { TextClassifier } from '../shared/classify/text-classifier';

export function readLabelled(file: string): LabelledMessage[] {
  return readFile(file);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printScores(title: string, r: EvalReport) {
  console.log(`\n== ${title}: ${r.n} messages`);
  for (const field of ['center', 'service'] as const) {
    const s = r[field];
    console.log(
      `${field.padEnd(8)} accuracy ${pct(s.accuracy)} (${s.labelled} labelled)  precision ${pct(s.precision)}  recall ${pct(s.recall)}  none kept ${pct(s.noneKept)}`,
    );
  }
  console.log(
    `topics   precision ${pct(r.topics.precision)}  recall ${pct(r.topics.recall)}  F1 ${pct(r.topics.f1)}`,
  );
  console.log(`kind     accuracy ${pct(r.kind.accuracy)}`);
}

function printDetails(r: DetailedReport) {
  for (const field of ['service', 'kind', 'topics'] as const) {
    console.log(`per class (${field}): code  support  precision  recall  F1`);
    for (const c of r.perClass[field])
      console.log(
        `  ${c.code.padEnd(22)} ${String(c.support).padStart(4)}  ${pct(c.precision).padStart(6)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1).padStart(6)}`,
      );
  }
  for (const field of ['service', 'kind'] as const) {
    const { labels, counts } = r.confusion[field];
    console.log(`confusion (${field}): rows expected, columns got`);
    const short = labels.map((l) => l.slice(0, 6).padStart(6));
    console.log(`  ${''.padEnd(22)} ${short.join(' ')}`);
    labels.forEach((l, i) =>
      console.log(
        `  ${l.padEnd(22)} ${counts[i]!.map((n) => String(n || '.').padStart(6)).join(' ')}`,
      ),
    );
  }
  console.log(
    `calibration error (ECE): service ${r.ece.service}  kind ${r.ece.kind}  topics ${r.ece.topics}`,
  );
  console.log(
    `triage at service < ${r.triage.at.service}, kind < ${r.triage.at.kind}: ${pct(r.triage.share)} of messages; right above it: service ${pct(r.triage.rightAbove.service)}, kind ${pct(r.triage.rightAbove.kind)}`,
  );
}

function printConfusions(r: EvalReport) {
  console.log('most common confusions (field: expected → got ×count, example):');
  for (const c of r.confusions)
    console.log(`  ${c.field}: ${c.expected} → ${c.got} ×${c.count}  «${c.example}»`);
}

if (require.main === module) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const catalog = seedCatalogView();
  if (file) {
    const messages = readLabelled(file);
    const model = shippedModel();
    const combined = evaluate(new TextClassifier(catalog, [], model), messages);
    printScores(`rules + model ${model.version} on ${file}`, combined);
    printScores('rules alone', evaluate(new TextClassifier(catalog), messages));
    console.log(
      '\n(the shipped model was trained on the open part of test/fixtures/*.jsonl: scores on those files are not scores on unseen messages; run without a file for those)',
    );
    printConfusions(combined);
  } else {
    const run = trainFromSets(catalog, []);
    const e = run.evaluation;
    printScores('CROSS-VALIDATED (5-fold over the open messages)', e.crossValidated);
    printDetails(e.crossValidated);
    printConfusions(e.crossValidated);
    printScores('LOCKED SPLIT (model trained on all open messages)', e.locked);
    printDetails(e.locked);
    printConfusions(e.locked);
    printScores('LOCKED SPLIT, rules alone', e.lockedRulesOnly);
  }
}
