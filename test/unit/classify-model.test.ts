/**
 * The learned model: logistic regression by value on hand-computable data, the features, Platt
 * calibration, the triage threshold, calibration error, the model file round trip, how rules and
 * model share a decision, and the shipped model's scores on the locked split (never trained on).
 */
import path from 'node:path';
import { seedCatalogView } from '../../shared/catalog/catalog';
import { combine } from '../../shared/classify/combine';
import { evaluate, type EvalReport } from '../../shared/classify/evaluate';
import { featureId, featureIds, featureNames } from '../../shared/classify/features';
import { LABELLED_FILES, labelledSets, projectRoot } from '../../shared/classify/labelled-sets';
import {
  binaryScore,
  fromBase64,
  fromBase64Half,
  fromHalfBits,
  softmaxScores,
  sparse,
  toBase64,
  toBase64Half,
  toHalfBits,
  trainBinary,
  trainSoftmax,
} from '../../shared/classify/linear';
import {
  ClassifierModel,
  trainModel,
  type ModelFile,
  type ModelFileV1,
  type ModelPrediction,
} from '../../shared/classify/model';
import { detailedReport, ece } from '../../shared/classify/report';
import { guardVerdict } from '../../shared/classify/retrain';
import { shippedModel } from '../../shared/classify/shipped';
import { isLockedTest } from '../../shared/classify/split';
import { TextClassifier } from '../../shared/classify/text-classifier';
import {
  buildQuick,
  chooseThreshold,
  fitPlatt,
  trainCalibrated,
} from '../../shared/classify/train';

const one = { epochs: 1, rate: 1, l2: 0, seed: 1 };

test('one gradient step of a binary head, by value', () => {
  // p = sigmoid(0) = 0.5 → w += 1 · (1 − 0.5) · 1, b += 0.5; then z = 1 → sigmoid(1).
  const x = sparse([0]);
  expect(x).toEqual({ idx: [0], val: [1] });
  const head = trainBinary([x], [1], [1], 1, one);
  expect(head.w[0]).toBeCloseTo(0.5, 6);
  expect(head.b).toBeCloseTo(0.5, 6);
  expect(binaryScore(head, x)).toBeCloseTo(1 / (1 + Math.exp(-1)), 6); // 0.731059
  // A message with no label (−1) teaches nothing; a weight of 2 doubles the step.
  expect(trainBinary([x], [-1], [1], 1, one).w[0]).toBe(0);
  expect(trainBinary([x], [1], [2], 1, one).w[0]).toBeCloseTo(1, 6);
});

test('one gradient step of a softmax head, by value', () => {
  // Two classes, both at 0.5: the true class gets +0.5, the other −0.5 (weights and biases).
  const x = sparse([0]);
  const head = trainSoftmax([x], [0], [1], 1, ['a', 'b'], one);
  expect(Array.from(head.w)).toEqual([0.5, -0.5]);
  expect(Array.from(head.b)).toEqual([0.5, -0.5]);
  // z = (1, −1): p(a) = e / (e + 1/e) = 0.880797.
  const p = softmaxScores(head, x);
  expect(p[0]).toBeCloseTo(Math.E / (Math.E + 1 / Math.E), 6);
  expect(p[0]! + p[1]!).toBeCloseTo(1, 9);
  // Two features share unit length: each is worth 1/√2.
  const v = sparse([3, 7]).val;
  expect(v[0]).toBeCloseTo(Math.SQRT1_2, 12);
  expect(v[1]).toBeCloseTo(Math.SQRT1_2, 12);
});

test('weights survive base64', () => {
  const a = Float32Array.from([0.5, -1.25, 3]);
  expect(Array.from(fromBase64(toBase64(a)))).toEqual([0.5, -1.25, 3]);
});

test('features: character 1–4-grams of folded text, Lao words from ICU, Latin word pairs, rule signals', () => {
  const f = featureNames('ລໍຖ້າ Slow queue');
  expect(f).toEqual(expect.arrayContaining(['c:ລ', 'c:ລໍ', 'c:ລໍຖ', 'c:ລໍຖ້', 'c:slow', 'c:s']));
  expect(f).not.toContain('c:ລໍຖ້າ'); // 5 characters: longer than 4
  expect(f).toEqual(expect.arrayContaining(['w:ລໍຖ້າ', 'w:slow', 'w:queue', 'b:slow queue']));
  // Spelling variants fold to the same features; digits collapse.
  expect(featureNames('ຫຼາຍ')).toEqual(featureNames('ຫລາຍ'));
  expect(featureNames('50000 kip')).toEqual(featureNames('70000 kip'));
  const r = featureNames('x', {
    service: null,
    topics: ['fees'],
    kind: 'complaint',
    cues: ['question'],
  });
  expect(r).toEqual(expect.arrayContaining(['r:s:-', 'r:t:fees', 'r:k:complaint', 'r:c:question']));
});

test('feature ids are the hashes of the feature names, computed without building the names', () => {
  // FNV-1a 32 over UTF-16 code units, by value: "a" → 0xe40c292c.
  expect(featureId('a')).toBe(0xe40c292c);
  const signals = { service: 'tax', topics: ['fees'], kind: 'complaint', cues: ['question'] };
  const { locked } = labelledSets();
  const texts = [
    ...locked.slice(0, 150).map((m) => m.text),
    '',
    '   ',
    'ລໍຖ້າ Slow queue 50,000 kip?',
    'Hello 😀 ວຽງຈັນ  tab\there',
  ];
  for (const text of texts) {
    const ids = featureIds(text, signals);
    const names = featureNames(text, signals);
    const ruleNames = names.filter((n) => n.startsWith('r:'));
    // The same set, in the same first-seen order (the order sums are taken in).
    expect([...new Set(ids.text)]).toEqual(names.filter((n) => !n.startsWith('r:')).map(featureId));
    expect(ids.rules).toEqual(ruleNames.map(featureId));
  }
  expect(featureIds('x').rules).toEqual([]);
});

test('Platt calibration pulls over-confident scores down to the rate they are right', () => {
  // Scores of 0.9 that are right half the time should come out near 0.5.
  const points = Array.from({ length: 200 }, (_, i) => ({ p: 0.9, right: i % 2 === 0 }));
  const c = fitPlatt(points);
  const conf = 1 / (1 + Math.exp(-(c.a * Math.log(0.9 / 0.1) + c.b)));
  expect(c).not.toEqual({ a: 1, b: 0 });
  expect(conf).toBeGreaterThan(0.45);
  expect(conf).toBeLessThan(0.55);
  // Scores that are right as often as they say stay where they are.
  const honest = [
    ...Array.from({ length: 80 }, (_, i) => ({ p: 0.8, right: i < 64 })),
    ...Array.from({ length: 80 }, (_, i) => ({ p: 0.6, right: i < 48 })),
  ];
  const h = fitPlatt(honest);
  const at = (p: number) => 1 / (1 + Math.exp(-(h.a * Math.log(p / (1 - p)) + h.b)));
  expect(at(0.8)).toBeCloseTo(0.8, 1);
  expect(at(0.6)).toBeCloseTo(0.6, 1);
});

test('the triage threshold is the lowest at which answers above it are right ≥ 95% of the time', () => {
  const points = [
    ...Array.from({ length: 19 }, () => ({ confidence: 0.9, right: true })),
    { confidence: 0.9, right: false }, // 19/20 = 0.95 at 0.9
    { confidence: 0.7, right: false }, // 19/21 < 0.95 at 0.7
  ];
  expect(chooseThreshold(points)).toBe(0.9);
  expect(chooseThreshold([{ confidence: 0.8, right: false }])).toBe(1);
});

test('expected calibration error, by value', () => {
  // Bin 0.9: confidence 0.9, right 1/2 → |0.9 − 0.5| = 0.4 over all points.
  expect(
    ece([
      { confidence: 0.9, right: true },
      { confidence: 0.9, right: false },
    ]),
  ).toBe(0.4);
  expect(ece([{ confidence: 0.95, right: true }])).toBe(0.05);
});

const catalog = seedCatalogView();
const rules = new TextClassifier(catalog);

test('a trained model learns a phrasing, survives its file, and says "model" where it decided', () => {
  const texts = ['tuk tuk licence slow', 'tuktuk licence queue', 'tuk tuk licence please'];
  const examples = texts.map((text) => ({
    text,
    service: 'vehicle_registration',
    topics: ['waiting_time'],
    kind: 'complaint',
  }));
  const others = ['thank you good staff', 'very nice office', 'ok', 'where is the office?'].map(
    (text) => ({
      text,
      service: null,
      topics: [],
      kind: text.endsWith('?') ? 'question' : 'praise',
    }),
  );
  const all = [...examples, ...others, ...examples, ...examples];
  const m = trainModel(
    all,
    all.map((e) => rules.features(e.text)),
    {
      version: 't1',
      trainedOn: { examples: all.length, corrections: 0, sources: [] },
    },
  );
  const copy = ClassifierModel.fromFile(JSON.parse(JSON.stringify(m.toFile())));
  const names2 = rules.features('my tuk tuk licence');
  expect(copy.predict(names2)).toEqual(m.predict(names2));
  const r = rules.withModel(copy).classify('my tuk tuk licence');
  expect(r.service).toMatchObject({ code: 'vehicle_registration', method: 'model' });

  // The file keeps weights in binary16 (format 3), and the trained model already holds them at
  // that precision: what it scored is what the file gives back.
  const file = m.toFile();
  expect(file.format).toBe(3);
  expect(Buffer.from(file.kind.w, 'base64').byteLength).toBe(m.features.length * 5 * 2);
  expect(copy.toFile()).toEqual(file);

  // Files of the earlier formats, float32 weights (2) and feature names instead of ids (1), still
  // load, to the same scores.
  const asFloat32 = (b64: string) => toBase64(fromBase64Half(b64));
  const { features, format: _format, ...rest } = file;
  const float32 = {
    ...rest,
    service: { ...rest.service, w: asFloat32(rest.service.w) },
    kind: { ...rest.kind, w: asFloat32(rest.kind.w) },
    topics: rest.topics.map((t) => ({ ...t, w: asFloat32(t.w) })),
  };
  const v2: ModelFile = { ...float32, format: 2, features };
  expect(ClassifierModel.fromFile(v2).predict(names2)).toEqual(m.predict(names2));
  const names = new Map<number, string>();
  for (const e of all)
    for (const n of featureNames(e.text, rules.rulesWithSignals(e.text).signals))
      names.set(featureId(n), n);
  const v1: ModelFileV1 = {
    ...float32,
    format: 1,
    vocab: Array.from(copy.features, (id) => names.get(id)!).join('\n'),
  };
  expect(features.length).toBeGreaterThan(0);
  expect(ClassifierModel.fromFile(v1).predict(names2)).toEqual(m.predict(names2));
});

test('binary16 weights: exact where binary16 is, rounded to nearest (ties to even) elsewhere', () => {
  const round = (v: number) => fromHalfBits(toHalfBits(v));
  for (const v of [0, 1, -1, 0.5, 2048, 65504, -65504, 2 ** -14, 2 ** -24, 1 + 2 ** -10])
    expect(round(v)).toBe(v);
  expect(round(0.1)).toBe(0.0999755859375); // the nearest binary16
  expect(round(1 + 2 ** -11)).toBe(1); // a tie goes to the even neighbour
  expect(round(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
  expect(round(3e-8)).toBe(2 ** -24); // subnormal, rounded up
  expect(round(2e-8)).toBe(0);
  expect(round(70000)).toBe(Infinity);
  expect(Object.is(round(-0), -0)).toBe(true);
  // Every binary16 value survives the trip, and the base64 form round-trips.
  const all = new Float32Array(0x7c00);
  for (let h = 0; h < 0x7c00; h++) all[h] = fromHalfBits(h);
  for (let h = 0; h < 0x7c00; h++) expect(toHalfBits(all[h]!)).toBe(h);
  expect(Array.from(fromBase64Half(toBase64Half(all)))).toEqual(Array.from(all));
  expect(() => fromBase64Half(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/odd byte/);
});

test('training fits calibration.given on out-of-fold decisions; a quick retraining keeps it', () => {
  // 400 open messages: small enough to train in seconds, large enough for five folds.
  const open = labelledSets().open.slice(0, 400);
  const meta = {
    version: 't-given',
    trainedOn: { examples: open.length, corrections: 0, sources: [] },
  };
  const { model } = trainCalibrated(rules, open, [], meta);
  const given = model.meta.calibration.given!;
  expect(given).toBeDefined();
  expect(given.a).toBeGreaterThan(0); // a surer p is a surer topic
  expect(given).not.toEqual(model.meta.calibration.topics);
  // Every topic of a prediction carries its given confidence from that curve.
  const t = model.predict(rules.features('waited 3 hours, nobody explained anything')).topics[0]!;
  expect(t.given).toBeCloseTo(
    1 / (1 + Math.exp(-(given.a * Math.log(t.p / (1 - t.p)) + given.b))),
    6,
  );
  const quick = buildQuick(rules, open, [], [], { ...meta, version: 't-quick' }, model);
  expect(quick.model.meta.calibration.given).toEqual(given);
});

const pred = (over: Partial<ModelPrediction>): ModelPrediction => ({
  service: { code: null, p: 0.9, confidence: 0.9 },
  kind: { code: 'complaint', p: 0.9, confidence: 0.9 },
  topics: [],
  ...over,
});

test('combine: an unambiguous keyword and a learned phrase win; the model fills silence and drops weak rule topics', () => {
  const base = rules.classify('family book waited 3 hours');
  expect(base.service).toMatchObject({ code: 'family_book', method: 'keyword' });
  const disagree = combine(base, pred({ service: { code: 'tax', p: 0.8, confidence: 0.8 } }));
  expect(disagree.service).toMatchObject({
    code: 'family_book',
    method: 'keyword',
    confidence: 0.5,
  });
  const silent = combine(
    rules.classify('my paper at the office'),
    pred({ service: { code: 'tax', p: 0.7, confidence: 0.7 } }),
  );
  expect(silent.service).toEqual({ code: 'tax', confidence: 0.7, method: 'model' });
  const topics = combine(
    base,
    pred({
      topics: [
        { code: 'waiting_time', p: 0.1, confidence: 0.9 },
        { code: 'fees', p: 0.6, confidence: 0.6 },
      ],
    }),
  );
  // waiting_time from the rules under keepRuleTopicAt (0.15) is dropped; fees is the model's.
  expect(topics.topics).toEqual([{ code: 'fees', confidence: 0.6, method: 'model' }]);
});

const model = shippedModel();
const shipped = rules.withModel(model);

test('the shipped model: a day mentioned in passing is not a waiting-time topic; suggestions and praise are not complaints', () => {
  expect(
    shipped
      .classify('I went on Monday to get my family book, staff were kind')
      .topics.map((t) => t.code),
  ).not.toContain('waiting_time');
  expect(shipped.classify('please add more chairs in the waiting area').kind.code).toBe(
    'suggestion',
  );
  expect(shipped.classify('ຂໍຂອບໃຈພະນັກງານທີ່ຊ່ວຍເຫຼືອດີຫຼາຍ').kind.code).toBe('praise');
  expect(
    shipped.classify('waited 4 hours in the queue, too slow').topics.map((t) => t.code),
  ).toContain('waiting_time');
});

test('the shipped model beats the rules on the locked split and keeps center', () => {
  const { locked } = labelledSets();
  expect(locked.length).toBeGreaterThanOrEqual(60);
  expect(locked.every((m) => isLockedTest(m.text))).toBe(true);
  const withModel = evaluate(shipped, locked);
  const alone = evaluate(rules, locked);
  expect(withModel.center.accuracy).toBe(alone.center.accuracy); // the model never touches center
  expect(withModel.center.accuracy).toBeGreaterThanOrEqual(0.97);
  // Center precision: the target (0.97) holds on the locked messages of the first eighteen sets
  // (0.974). The nineteenth to twenty-sixth sets' writers were asked for many places that are not
  // centers (where they live, work, farm, invest), and the rules name a center wrongly on more of
  // them (0.936): the grown split is at 0.965, under the target (docs/classification.md says so).
  const first18 = LABELLED_FILES.slice(0, LABELLED_FILES.indexOf('classify-labelled-19.jsonl'));
  expect(first18).toHaveLength(19); // dev and the first eighteen sets
  const before19 = labelledSets(
    first18.map((f) => path.join(projectRoot(), 'test', 'fixtures', f)),
  ).locked;
  expect(before19).toHaveLength(2249);
  expect(evaluate(rules, before19).center.precision).toBeGreaterThanOrEqual(0.97);
  expect(withModel.center.precision).toBeGreaterThanOrEqual(0.96);
  expect(withModel.center.noneKept).toBe(alone.center.noneKept);
  expect(withModel.service.accuracy).toBeGreaterThan(alone.service.accuracy);
  expect(withModel.topics.f1).toBeGreaterThan(alone.topics.f1);
  expect(withModel.kind.accuracy).toBeGreaterThan(alone.kind.accuracy);
});

test("a given topic's confidence means what it says on the locked split (calibration.given)", () => {
  const { locked } = labelledSets();
  const file = shippedModel().toFile();
  expect(file.calibration.given).toBeDefined();
  // Round trip, and a higher p is a surer topic.
  expect(ClassifierModel.fromFile(file).toFile().calibration).toEqual(file.calibration);
  const g = file.calibration.given!;
  const at = (p: number) => 1 / (1 + Math.exp(-(g.a * Math.log(p / (1 - p)) + g.b)));
  expect(at(0.3)).toBeLessThan(at(0.6));
  // Binned by confidence, given topics are right about as often as they say (ECE). With the
  // model's own yes / no confidence instead (the file without `given`) they are not.
  const report = (m: ClassifierModel) =>
    detailedReport(
      locked,
      locked.map((x) => rules.withModel(m).classify(x.text)),
      file.triageAt,
    );
  expect(report(shippedModel()).ece.topics).toBeLessThan(0.03);
  const { given: _, ...older } = file.calibration;
  const without = ClassifierModel.fromFile({ ...file, calibration: older });
  expect(report(without).ece.topics).toBeGreaterThan(0.05);
});

test('the retraining guard allows at most one message lost per field on the locked split', () => {
  // 200 messages: 100 labelled for center, 80 for service, 150 topic labels.
  const locked = Array.from({ length: 200 }, (_, i) => ({
    id: String(i),
    text: `m${i}`,
    center: null,
    service: null,
    topics: i < 150 ? ['fees'] : [],
    kind: 'complaint',
  }));
  const report = (
    center: number,
    service: number,
    f1: number,
    kind: number,
    serviceNoneKept = 1,
  ): EvalReport => {
    const field = (accuracy: number, labelled: number, noneKept = 1) => ({
      accuracy,
      precision: 1,
      recall: accuracy,
      noneKept,
      labelled,
    });
    return {
      n: 200,
      center: field(center, 100),
      service: field(service, 80, serviceNoneKept),
      topics: { precision: f1, recall: f1, f1 },
      kind: { accuracy: kind },
      confusions: [],
    };
  };
  const active = report(0.99, 0.8, 0.75, 0.88);
  // One message less on service (1/80 = 0.0125) and on kind (1/200): accepted.
  const ok = guardVerdict(locked, active, report(0.99, 0.7875, 0.75, 0.875));
  expect(ok.accept).toBe(true);
  expect(ok.fields.map((f) => [f.field, f.tolerance])).toEqual([
    ['center', 0.011],
    ['service', 0.0135],
    ['centerNoneKept', 0.011],
    ['serviceNoneKept', 0.0093],
    ['topicsF1', 0.0077],
    ['kind', 0.006],
  ]);
  // Two messages less on service: rejected, and the reason names the field and the scores.
  const worse = guardVerdict(locked, active, report(0.99, 0.775, 0.76, 0.9));
  expect(worse.accept).toBe(false);
  expect(worse.reason).toBe(
    'worse than the active version on the locked split: service 0.800 → 0.775',
  );
  // Better everywhere: accepted.
  expect(guardVerdict(locked, active, report(1, 0.9, 0.8, 0.9)).accept).toBe(true);
  // Naming a service on two of the 120 messages without one (accuracy unchanged): rejected.
  expect(guardVerdict(locked, active, report(0.99, 0.8, 0.75, 0.88, 1 - 2 / 120)).reason).toBe(
    'worse than the active version on the locked split: serviceNoneKept 1.000 → 0.983',
  );
  expect(guardVerdict(locked, active, report(0.99, 0.8, 0.75, 0.88, 1 - 1 / 120)).accept).toBe(
    true,
  );
  // Topics F1 down by more than 1/150 + rounding: rejected.
  expect(guardVerdict(locked, active, report(0.99, 0.8, 0.74, 0.88)).reason).toMatch(
    /: topicsF1 0\.750 → 0\.740$/,
  );
});
