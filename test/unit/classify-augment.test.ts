/**
 * Training-time augmentation (augment.ts): variants of a labelled message in other phrasings,
 * trained on only — never scored, never of a message the fold scores — and a vocabulary that
 * variants alone do not grow.
 */
import { augmentMessage } from '../../shared/classify/augment';
import type { LabelledMessage } from '../../shared/classify/evaluate';
import { fold } from '../../shared/classify/fold';
import { labelledSets } from '../../shared/classify/labelled-sets';
import { DEFAULT_SETTINGS, trainModel } from '../../shared/classify/model';
import { isLockedTest } from '../../shared/classify/split';
import { foldOf, outsideFold } from '../../shared/classify/train';

const msg = (text: string, service: string | null, topics: string[] = []): LabelledMessage => ({
  id: 'x',
  text,
  center: null,
  service,
  topics,
  kind: 'complaint',
});
const all = { weight: 0.5, kinds: ['service', 'topic', 'spaces', 'tones', 'roman'] as const };

test('a service named by another of its names, labels kept but kind, weight and origin set', () => {
  const m = msg('waited 3 weeks for my family book at xaythany', 'family_book', ['waiting_time']);
  const vs = augmentMessage(m, { weight: 0.5, kinds: ['service'] });
  expect(vs).toHaveLength(1);
  const v = vs[0]!;
  expect(v.text).not.toContain('family book');
  expect(v.text).toMatch(/^waited 3 weeks for my .+ at xaythany$/);
  expect(v).toMatchObject({ service: 'family_book', topics: ['waiting_time'], weight: 0.5 });
  expect(v.variantOf).toBe(m.text);
  expect(v.kind).toBeUndefined();
  // The same message gives the same variants (training is repeatable).
  expect(augmentMessage(m, all)).toEqual(augmentMessage(m, all));
});

test('Lao without spaces, with a space between words, without tone marks', () => {
  const text = 'ພະນັກງານ ບໍ່ສຸພາບ ລໍຖ້າດົນຫຼາຍ';
  const texts = augmentMessage(msg(text, null), {
    weight: 1,
    kinds: ['spaces', 'tones'],
  }).map((v) => v.text);
  expect(texts).toContain(fold('ພະນັກງານບໍ່ສຸພາບລໍຖ້າດົນຫຼາຍ'));
  expect(texts.some((t) => t.split(' ').length > 3)).toBe(true);
  expect(texts.some((t) => !/[\u0EC8-\u0ECB]/.test(t))).toBe(true);
  expect(texts).not.toContain(fold(text));
});

test('a fold trains on the variants of the other folds only, never of a message it scores', () => {
  const open = labelledSets().open.slice(0, 300);
  expect(open.some((m) => isLockedTest(m.text))).toBe(false);
  const folds = open.map((m) => foldOf(m.text));
  const variants = open.map((m) => augmentMessage(m, all));
  for (let f = 0; f < 5; f++) {
    const used = outsideFold(folds, f, variants);
    expect(used.length).toBeGreaterThan(0);
    for (const v of used) expect(foldOf(v.variantOf!)).not.toBe(f);
    const expected = variants.filter((_, j) => folds[j] !== f).flat().length;
    expect(used).toHaveLength(expected);
  }
});

test('a message and its variants count once towards minCount; variant-only features need more', () => {
  const ex = (text: string, variantOf?: string) => ({
    text,
    service: null,
    kind: 'other',
    topics: [],
    ...(variantOf ? { variantOf } : {}),
  });
  const examples = [ex('a'), ex('a2', 'a'), ex('b'), ex('b2', 'b'), ex('c'), ex('d')];
  const feats = [[1, 2], [1, 2, 3], [1], [3], [4], [4, 5]].map((text) => ({ text, rules: [] }));
  const model = trainModel(
    examples,
    feats,
    { version: 't', trainedOn: {} as never },
    {
      ...DEFAULT_SETTINGS,
      minCount: 2,
    },
  );
  const vocab = [...model.features].sort();
  // 1: in a, b (originals) → kept; 2: only in a and its variant → one message, dropped;
  // 3: only in variants, of two messages → needs 4, dropped; 4: c, d → kept; 5: once, dropped.
  expect(vocab).toEqual([1, 4]);
});
