/**
 * The labelled sets the model is trained and scored on: test/fixtures/classify-dev.jsonl (the set
 * the word lists were tuned on), test/fixtures/classify-labelled.jsonl,
 * test/fixtures/classify-labelled-2.jsonl, test/fixtures/classify-labelled-3.jsonl,
 * test/fixtures/classify-labelled-4.jsonl to test/fixtures/classify-labelled-31.jsonl (written to
 * docs/labelling.md), each split by split.ts into the messages we may train on and the locked test
 * split we only score on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabelledMessage } from './evaluate';
import { isLockedTest } from './split';

/** The project's root, from source (ts-jest) or from dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('project root not found');
    dir = up;
  }
  return dir;
}

export const LABELLED_FILES = [
  'classify-dev.jsonl',
  'classify-labelled.jsonl',
  'classify-labelled-2.jsonl',
  'classify-labelled-3.jsonl',
  'classify-labelled-4.jsonl',
  'classify-labelled-5.jsonl',
  'classify-labelled-6.jsonl',
  'classify-labelled-7.jsonl',
  'classify-labelled-8.jsonl',
  'classify-labelled-9.jsonl',
  'classify-labelled-10.jsonl',
  'classify-labelled-11.jsonl',
  'classify-labelled-12.jsonl',
  'classify-labelled-13.jsonl',
  'classify-labelled-14.jsonl',
  'classify-labelled-15.jsonl',
  'classify-labelled-16.jsonl',
  'classify-labelled-17.jsonl',
  'classify-labelled-18.jsonl',
  'classify-labelled-19.jsonl',
  'classify-labelled-20.jsonl',
  'classify-labelled-21.jsonl',
  'classify-labelled-22.jsonl',
  'classify-labelled-23.jsonl',
  'classify-labelled-24.jsonl',
  'classify-labelled-25.jsonl',
  'classify-labelled-26.jsonl',
  'classify-labelled-27.jsonl',
  'classify-labelled-28.jsonl',
  'classify-labelled-29.jsonl',
  'classify-labelled-30.jsonl',
  'classify-labelled-31.jsonl',
];

/**
 * Labelled sets kept out of training and out of the locked split, a fresh test of writers the model
 * has not seen (docs/labelling.md); score them with `npm run eval:classify -- test/fixtures/<file>`.
 * None now: the nineteenth to the thirty-first sets were scored this way, then trained on.
 */
export const HELD_OUT_FILES: string[] = [];

export function readLabelled(file: string): LabelledMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const m = JSON.parse(l) as LabelledMessage;
      if (typeof m.text !== 'string') throw new Error(`${file}:${i + 1}: "text" must be a string`);
      return m;
    });
}

export interface LabelledSets {
  files: string[];
  /** Messages outside the locked split (trained on, cross-validated). */
  open: LabelledMessage[];
  /** The locked test split (scored only). */
  locked: LabelledMessage[];
}

/** Reads the labelled sets that exist, de-duplicated by text, split by split.ts. */
export function labelledSets(
  files = LABELLED_FILES.map((f) => path.join(projectRoot(), 'test', 'fixtures', f)),
): LabelledSets {
  const seen = new Set<string>();
  const open: LabelledMessage[] = [];
  const locked: LabelledMessage[] = [];
  const present = files.filter((f) => existsSync(f));
  for (const f of present)
    for (const m of readLabelled(f)) {
      const key = m.text.normalize('NFC').trim();
      if (seen.has(key)) continue;
      seen.add(key);
      (isLockedTest(m.text) ? locked : open).push(m);
    }
  return { files: present, open, locked };
}
