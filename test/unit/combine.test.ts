/**
 * The classifier's decision rules (shared/classify/combine.ts): which of rules and model decides
 * each field, with which confidence and method. Pure inputs, no model file: every threshold of
 * DEFAULT_POLICY is checked at its edge.
 */
import { combine, DEFAULT_POLICY, policyOf } from '../../shared/classify/combine';
import type { ModelPrediction } from '../../shared/classify/model';
import type { TextClassification } from '../../shared/classify/text-classifier';
import type { Classified } from '../../shared/models/feedback.model';

const rules = (over: Partial<TextClassification> = {}): TextClassification => ({
  center: { code: 'LA-LP', confidence: 0.9, method: 'keyword' },
  service: { code: null, confidence: 0, method: 'none' },
  topics: [],
  kind: { code: 'complaint', confidence: 0.8, method: 'keyword' },
  sentiment: -0.5,
  ...over,
});

const model = (over: Partial<ModelPrediction> = {}): ModelPrediction => ({
  service: { code: null, p: 0.9, confidence: 0.9 },
  kind: { code: 'complaint', p: 0.9, confidence: 0.9 },
  topics: [],
  ...over,
});

const keyword = (code: string, confidence: number): Classified => ({
  code,
  confidence,
  method: 'keyword',
});

test('the policy shipped', () => {
  expect(DEFAULT_POLICY).toEqual({
    serviceRuleWinsAt: 0.85,
    keepRuleTopicAt: 0.15,
    addModelTopicAt: 0.4,
    topicForKinds: ['complaint', 'question'],
    topicFloor: 0.2,
    noTopicsForOther: true,
    kindTopicsAt: 0.6,
  });
});

describe('service', () => {
  test('a learned phrase wins with its own confidence, whatever the model says', () => {
    const learned: Classified = { code: 'land_title', confidence: 0.95, method: 'learned' };
    for (const m of [
      model({ service: { code: 'tax', p: 0.99, confidence: 0.99 } }),
      model({ service: { code: 'land_title', p: 0.99, confidence: 0.99 } }),
    ])
      expect(combine(rules({ service: learned }), m).service).toEqual(learned);
    // Even below the keyword threshold: staff taught it.
    const taught: Classified = { code: 'land_title', confidence: 0.6, method: 'learned' };
    expect(
      combine(
        rules({ service: taught }),
        model({ service: { code: 'tax', p: 0.99, confidence: 0.99 } }),
      ).service,
    ).toEqual(taught);
  });

  test('a keyword at the threshold wins; agreeing, the higher confidence; disagreeing, 0.5', () => {
    const at = rules({ service: keyword('family_book', 0.85) });
    expect(
      combine(at, model({ service: { code: 'family_book', p: 0.97, confidence: 0.9666 } })).service,
    ).toEqual({ code: 'family_book', confidence: 0.967, method: 'keyword' });
    expect(
      combine(at, model({ service: { code: 'family_book', p: 0.5, confidence: 0.6 } })).service,
    ).toEqual({ code: 'family_book', confidence: 0.85, method: 'keyword' });
    expect(
      combine(at, model({ service: { code: 'tax', p: 0.9, confidence: 0.9 } })).service,
    ).toEqual({ code: 'family_book', confidence: 0.5, method: 'keyword' });
    expect(combine(at, model()).service).toEqual({
      code: 'family_book',
      confidence: 0.5,
      method: 'keyword',
    });
  });

  test('a keyword under the threshold leaves the decision to the model', () => {
    const weak = rules({ service: keyword('family_book', 0.849) });
    expect(
      combine(weak, model({ service: { code: 'tax', p: 0.7, confidence: 0.7004 } })).service,
    ).toEqual({ code: 'tax', confidence: 0.7, method: 'model' });
    // The model agreeing with a weak keyword keeps the keyword's method.
    expect(
      combine(weak, model({ service: { code: 'family_book', p: 0.7, confidence: 0.71 } })).service,
    ).toEqual({ code: 'family_book', confidence: 0.71, method: 'keyword' });
    // The model saying "none" overrules a weak keyword, and says it decided.
    expect(
      combine(weak, model({ service: { code: null, p: 0.8, confidence: 0.8123 } })).service,
    ).toEqual({ code: null, confidence: 0.812, method: 'model' });
  });

  test('rules silent: the model names the service, or none', () => {
    expect(
      combine(rules(), model({ service: { code: 'tax', p: 0.6, confidence: 0.55 } })).service,
    ).toEqual({ code: 'tax', confidence: 0.55, method: 'model' });
    expect(
      combine(rules(), model({ service: { code: null, p: 0.9, confidence: 0.93 } })).service,
    ).toEqual({ code: null, confidence: 0.93, method: 'none' });
  });
});

describe('topics', () => {
  test("a rule's topic stays from keepRuleTopicAt; a model's is added from addModelTopicAt", () => {
    const r = rules({
      topics: [keyword('waiting_time', 0.8), keyword('fees', 0.8), keyword('documents', 0.8)],
    });
    const out = combine(
      r,
      model({
        topics: [
          { code: 'waiting_time', p: 0.15, confidence: 0.5 },
          { code: 'fees', p: 0.149, confidence: 0.5 },
          { code: 'documents', p: 0.9, confidence: 0.8888 },
          { code: 'staff_conduct', p: 0.4, confidence: 0.61 },
          { code: 'facilities', p: 0.399, confidence: 0.6 },
        ],
      }),
    );
    expect(out.topics).toEqual([
      { code: 'waiting_time', confidence: 0.5, method: 'keyword' },
      { code: 'documents', confidence: 0.889, method: 'keyword' },
      { code: 'staff_conduct', confidence: 0.61, method: 'model' },
    ]);
  });

  test('per-topic thresholds (topicAt) replace the shared ones for their topic only', () => {
    const r = rules({ topics: [keyword('waiting_time', 0.8), keyword('fees', 0.8)] });
    const m = model({
      topics: [
        { code: 'waiting_time', p: 0.2, confidence: 0.6 },
        { code: 'fees', p: 0.2, confidence: 0.6 },
        { code: 'other', p: 0.3, confidence: 0.7 },
        { code: 'documents', p: 0.3, confidence: 0.7 },
      ],
    });
    expect(combine(r, m).topics.map((t) => t.code)).toEqual(['waiting_time', 'fees']);
    const policy = {
      ...DEFAULT_POLICY,
      topicAt: { waiting_time: { keep: 0.2, add: 0.9 }, fees: { keep: 0.201, add: 0 } },
    };
    expect(
      combine(r, m, { ...policy, topicAt: { ...policy.topicAt, other: { keep: 1, add: 0.3 } } })
        .topics,
    ).toEqual([
      { code: 'waiting_time', confidence: 0.6, method: 'keyword' },
      { code: 'other', confidence: 0.7, method: 'model' },
    ]);
    // Just under its own add threshold: not added; documents keeps the shared 0.4.
    expect(
      combine(r, m, {
        ...policy,
        topicAt: { ...policy.topicAt, other: { keep: 0, add: 0.301 } },
      }).topics.map((t) => t.code),
    ).toEqual(['waiting_time']);
  });

  test("policyOf: DEFAULT_POLICY, with the model's own topic thresholds when it has them", () => {
    expect(policyOf(null)).toBe(DEFAULT_POLICY);
    expect(policyOf({ meta: {} })).toBe(DEFAULT_POLICY);
    const at = { fees: { keep: 0.1, add: 0.2 } };
    const withAt = { meta: { topicThresholds: at } };
    expect(policyOf(withAt)).toEqual({ ...DEFAULT_POLICY, topicAt: at });
    // The same object for the same model (no allocation per message), a new one when they change.
    expect(policyOf(withAt)).toBe(policyOf(withAt));
    const other = { fees: { keep: 0.3, add: 0.3 } };
    withAt.meta.topicThresholds = other;
    expect(policyOf(withAt).topicAt).toBe(other);
  });

  test('a topic the model does not know stays as the rules found it', () => {
    const other = keyword('other', 0.7);
    const out = combine(
      rules({ topics: [other, keyword('fees', 0.8)] }),
      model({ topics: [{ code: 'fees', p: 0.01, confidence: 0.99 }] }),
    );
    expect(out.topics).toEqual([other]);
  });
});

describe('topics and the kind', () => {
  const weak = [
    { code: 'fees', p: 0.19, confidence: 0.7 },
    { code: 'documents', p: 0.2, confidence: 0.6543 },
    { code: 'information', p: 0.05, confidence: 0.8 },
  ];
  const kind = (code: string) => ({ kind: { code, p: 0.9, confidence: 0.9 } });

  test('a complaint or question left with no topic gets the likeliest, from topicFloor', () => {
    expect(combine(rules(), model({ topics: weak })).topicFromKind).toBe('documents');
    for (const k of ['complaint', 'question'])
      expect(combine(rules(), model({ ...kind(k), topics: weak })).topics).toEqual([
        { code: 'documents', confidence: 0.654, method: 'model' },
      ]);
    // Under the floor: nothing.
    const under = weak.map((t) => ({ ...t, p: t.p === 0.2 ? 0.199 : t.p }));
    expect(combine(rules(), model({ topics: under })).topics).toEqual([]);
    // Not for praise or a suggestion, which often have no topic.
    for (const k of ['praise', 'suggestion'])
      expect(combine(rules(), model({ ...kind(k), topics: weak })).topics).toEqual([]);
    // Not when a topic was given: it stays alone.
    const given = [...weak, { code: 'staff_conduct', p: 0.5, confidence: 0.6 }];
    expect(combine(rules(), model({ topics: given })).topics.map((t) => t.code)).toEqual([
      'staff_conduct',
    ]);
    expect(combine(rules(), model({ topics: given })).topicFromKind).toBeUndefined();
    // Off in the policy: nothing added.
    expect(
      combine(rules(), model({ topics: weak }), { ...DEFAULT_POLICY, topicForKinds: [] }).topics,
    ).toEqual([]);
  });

  test('a topic the rules found comes back as keyword', () => {
    const r = rules({ topics: [keyword('waiting_time', 0.8)] });
    // waiting_time found by the rules but under its own keep threshold (0.3): dropped, then given
    // back as the complaint's likeliest topic (from topicFloor, 0.2).
    const policy = { ...DEFAULT_POLICY, topicAt: { waiting_time: { keep: 0.3, add: 0.5 } } };
    const m = model({
      topics: [
        { code: 'waiting_time', p: 0.25, confidence: 0.7 },
        { code: 'fees', p: 0.12, confidence: 0.8 },
      ],
    });
    expect(combine(r, m, policy).topics).toEqual([
      { code: 'waiting_time', confidence: 0.7, method: 'keyword' },
    ]);
    const sure = model({ topics: [{ code: 'fees', p: 0.5, confidence: 0.8 }] });
    expect(combine(rules(), sure).topics).toEqual([
      { code: 'fees', confidence: 0.8, method: 'model' },
    ]);
  });

  test("a model file's given-topic calibration decides a given topic's confidence", () => {
    const m = model({
      topics: [
        { code: 'fees', p: 0.3, confidence: 0.7, given: 0.6123 },
        { code: 'documents', p: 0.9, confidence: 0.9, given: 0.8 },
      ],
    });
    const r = rules({ topics: [keyword('fees', 0.8)] });
    expect(combine(r, m).topics).toEqual([
      { code: 'fees', confidence: 0.612, method: 'keyword' },
      { code: 'documents', confidence: 0.8, method: 'model' },
    ]);
  });

  test('the kind rules need a kind confidence of kindTopicsAt (0.6), where the text kind stands', () => {
    const unsure = (code: string, confidence: number) => ({
      kind: { code, p: 0.5, confidence },
    });
    const fees = [{ code: 'fees', p: 0.9, confidence: 0.9 }];
    expect(
      combine(rules(), model({ ...unsure('other', 0.599), topics: fees })).topics,
    ).toHaveLength(1);
    expect(combine(rules(), model({ ...unsure('other', 0.6), topics: fees })).topics).toEqual([]);
    expect(combine(rules(), model({ ...unsure('complaint', 0.599), topics: weak })).topics).toEqual(
      [],
    );
    expect(
      combine(rules(), model({ ...unsure('complaint', 0.6), topics: weak })).topics.map(
        (t) => t.code,
      ),
    ).toEqual(['documents']);
    // Compared rounded, as the intake worker compares it: 0.5996 is 0.6.
    expect(combine(rules(), model({ ...unsure('other', 0.5996), topics: fees })).topics).toEqual(
      [],
    );
    expect(Object.isFrozen(DEFAULT_POLICY.topicForKinds)).toBe(true);
  });

  test('a message of kind other has no topics, from the model or the rules', () => {
    const r = rules({ topics: [keyword('other', 0.7), keyword('fees', 0.8)] });
    const m = model({ ...kind('other'), topics: [{ code: 'fees', p: 0.9, confidence: 0.9 }] });
    expect(combine(r, m).topics).toEqual([]);
    expect(
      combine(r, m, { ...DEFAULT_POLICY, noTopicsForOther: false }).topics.map((t) => t.code),
    ).toEqual(['fees', 'other']);
  });
});

describe('kind, center and sentiment', () => {
  test("the model decides the kind; method says whether the rules' answer was the same", () => {
    expect(
      combine(rules(), model({ kind: { code: 'complaint', p: 0.9, confidence: 0.9012 } })).kind,
    ).toEqual({ code: 'complaint', confidence: 0.901, method: 'keyword' });
    expect(
      combine(rules(), model({ kind: { code: 'suggestion', p: 0.6, confidence: 0.58 } })).kind,
    ).toEqual({ code: 'suggestion', confidence: 0.58, method: 'model' });
  });

  test('center and sentiment stay with the rules', () => {
    const r = rules();
    const out = combine(r, model({ service: { code: 'tax', p: 0.99, confidence: 0.99 } }));
    expect(out.center).toEqual(r.center);
    expect(out.sentiment).toBe(-0.5);
  });
});
