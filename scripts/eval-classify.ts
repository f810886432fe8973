/**
 * `npm run eval:classify [-- file.jsonl]`: scores the classifier on a labelled file (default
 * test/fixtures/classify-dev.jsonl) and prints accuracy, precision and recall per field, topic F1,
 * kind accuracy and the most common confusions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seedCatalogView } from '../shared/catalog/catalog';
import { evaluate, type LabelledMessage } from '../shared/classify/evaluate';
import { TextClassifier } from '../shared/classify/text-classifier';

export function readLabelled(file: string): LabelledMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledMessage);
}

if (require.main === module) {
  const root =
    path.basename(path.dirname(__dirname)) === 'dist'
      ? path.resolve(__dirname, '..', '..')
      : path.resolve(__dirname, '..');
  const file = process.argv[2] ?? path.join(root, 'test', 'fixtures', 'classify-dev.jsonl');
  const report = evaluate(new TextClassifier(seedCatalogView()), readLabelled(file));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`${report.n} messages from ${path.relative(process.cwd(), file)}`);
  for (const field of ['center', 'service'] as const) {
    const s = report[field];
    console.log(
      `${field.padEnd(8)} accuracy ${pct(s.accuracy)} (${s.labelled} labelled)  precision ${pct(s.precision)}  recall ${pct(s.recall)}  none kept ${pct(s.noneKept)}`,
    );
  }
  console.log(
    `topics   precision ${pct(report.topics.precision)}  recall ${pct(report.topics.recall)}  F1 ${pct(report.topics.f1)}`,
  );
  console.log(`kind     accuracy ${pct(report.kind.accuracy)}`);
  console.log('most common confusions (field: expected → got ×count, example):');
  for (const c of report.confusions)
    console.log(`  ${c.field}: ${c.expected} → ${c.got} ×${c.count}  «${c.example}»`);
}
