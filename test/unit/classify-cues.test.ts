/**
 * Issue 14, second round: the kind cues only the model reads (shared/classify/cues.ts), the
 * everyday service names of the rules (lexicon.ts EVERYDAY_SERVICE_TERMS), per-topic thresholds
 * (combine.ts `topicAt`, fitted by train.ts chooseTopicThresholds and kept in the model file), and
 * the "other" topic the model now learns.
 */
import { seedCatalogView } from '../../shared/catalog/catalog';
import { combine, DEFAULT_POLICY, policyOf } from '../../shared/classify/combine';
import { kindCues } from '../../shared/classify/cues';
import type { LabelledMessage } from '../../shared/classify/evaluate';
import { featureId, featureNames } from '../../shared/classify/features';
import { fold } from '../../shared/classify/fold';
import { EVERYDAY_SERVICE_TERMS } from '../../shared/classify/lexicon';
import {
  ClassifierModel,
  DEFAULT_SETTINGS,
  type ModelPrediction,
} from '../../shared/classify/model';
import { shippedModel } from '../../shared/classify/shipped';
import { TextClassifier } from '../../shared/classify/text-classifier';
import { chooseTopicThresholds } from '../../shared/classify/train';

const cues = (text: string) => kindCues(fold(text));

describe('kind cues (model only)', () => {
  test('praise of an absence: a problem that did not happen, in Lao, English and romanised', () => {
    for (const t of [
      'ສອບເສັງໃບຂັບຂີ່ ຍຸຕິທຳ ບໍ່ມີໃຜຂໍເງິນໃຫ້ຜ່ານ',
      'ໃບທະບຽນສົມລົດໄດ້ແລ້ວ ບໍ່ຕ້ອງຖ້າ',
      'ແຈ້ງຕາຍ ແລ້ວພາຍໃນມື້ ບໍ່ເສຍຄ່າຫຍັງ',
      'ບໍ່ມີໃຜຮຽກເອົາເງິນ',
      'Nobody asked for tea money',
      'no one asked me for anything extra',
      'no extra fees, clear',
      "didn't have to wait at all",
      'bo mi phai kho ngeun phoem',
    ])
      expect(cues(t)).toContain('absence');
    // Complaints told with the same words, a plain negation and a date are no absence.
    for (const t of [
      'I waited 3 hours',
      'ບໍລິການ ບໍ່ດີ',
      'ໄປວັນທີ 12/10/2026',
      'ບໍ່ມີໃຜຢູ່ໂຕະ',
      'ນັ່ງຖ້າ 2 ຊົ່ວໂມງ ບໍ່ມີໃຜຮຽກ',
      'ບໍ່ມີໃຜຂໍໂທດ',
      'nobody asked me what I needed',
      'nobody wanted to help',
      'no extra staff at lunch',
    ])
      expect(cues(t)).not.toContain('absence');
  });

  test('romanised Lao asks, proposes, praises, tells of a quick service and of a plan', () => {
    const has = (t: string, cue: string) => expect(cues(t)).toContain(cue);
    // Question words inside the sentence (not the particle bo / bor at its end).
    has('het jang dai kap bai khup khi mai ni', 'ask');
    has('kha bai anuyat ran thao dai kap ran noy', 'ask');
    has('mi thang uen kap bat pa cham tua', 'ask');
    has('kho sa noe hai kot bat khiu tang phone dai', 'suggest');
    has('na ja het bai anuyat ran hai ngai kwa nee', 'suggest');
    has('kuan tit phat lom lai kwa nee', 'suggest');
    has('soun Xaythany song SMS bok wa set laew, khak lai', 'praise');
    has('jao nathi dee lai, sa duak', 'praise');
    has('bai anuyat dai 1 aathit, vai kwa khit', 'quick');
    has('het mue diao dai laew', 'quick');
    has('mue uen ja pai het bat mai', 'plan');
    // Negated, they are no praise; a word that merely contains them is no cue.
    for (const t of ['bo sa duak', 'jao nathi bo dee lai']) expect(cues(t)).not.toContain('praise');
    expect(cues('pai nai hong kan')).not.toContain('quick');
    for (const t of ['got a permit for the shop', 'a long term visa', 'the bone clinic', 'perm']) {
      expect(cues(t)).not.toContain('suggest');
      expect(cues(t)).not.toContain('ask');
    }
  });

  test('a score given: its share decides high or low; dates and fractions above one are none', () => {
    const scored = (t: string) => cues(t).filter((c) => c.startsWith('score'));
    expect(scored('ໃຫ້ຄະແນນ ໑໐/໑໐')).toEqual(['score', 'score-high']);
    expect(scored('8/10 fast')).toEqual(['score', 'score-high']);
    expect(scored('2/5 too slow')).toEqual(['score', 'score-low']);
    expect(scored('service 3/5')).toEqual(['score']);
    expect(scored('5 stars')).toEqual(['score', 'score-high']);
    expect(scored('one star, rude staff')).toEqual(['score', 'score-low']);
    expect(scored('⭐⭐⭐⭐')).toEqual(['score', 'score-high']);
    expect(scored('reason 7/10')).toEqual(['score', 'score-high']);
    // Decimals are read whole: 2.5/5 is half, not 5/5.
    expect(scored('service 2.5/5, slow')).toEqual(['score']);
    expect(scored('1.5/5 slow')).toEqual(['score', 'score-low']);
    expect(scored('9,5/10 👍')).toEqual(['score', 'score-high']);
    for (const t of [
      'ໄປວັນທີ 12/10/2026',
      'ໄປວັນທີ 5/10 ຍັງບໍ່ໄດ້',
      'ຍື່ນແຕ່ 2/10 ຍັງບໍ່ໄດ້',
      'ຮອດ 3/5 ຈຶ່ງໄດ້',
      'came on 3/5 and again',
      'since 4/10 nothing',
      'queue 12/10 people',
      'ບ້ານເລກທີ 15/100',
    ])
      expect(scored(t)).toEqual([]);
  });

  test('questions: a Lao particle at the end, Lao question words, English and romanised asks', () => {
    for (const q of [
      'ຕໍ່ບັດ ຕ້ອງເອົາ ສຳມະໂນຄົວ ໄປນຳບໍ',
      'ຈົດທະບຽນບໍລິສັດ ທຶນຂັ້ນຕ່ຳ ເທົ່າໃດ',
      'ຍື່ນຢູ່ໃສ',
      'is it free for children',
      'tong sop mai bo',
    ])
      expect(cues(q)).toContain('ask');
    expect(cues('ຈະຖືກປັບ ບໍ່')).toContain('ask-end');
    expect(cues('which office?')).toContain('ask-end');
    // ບໍ່ inside a sentence is a negation, ບໍ at the start of ບໍລິການ is no particle.
    expect(cues('ບໍລິການ ບໍ່ດີ ເລີຍ')).not.toContain('ask');
    expect(cues('ບໍລິການ ບໍ່ດີ ເລີຍ')).not.toContain('ask-end');
    expect(cues('the staff were kind')).not.toContain('ask');
  });

  test('suggestions in words the rules lack', () => {
    for (const s of [
      'ນ່າຈະມີ ເຄື່ອງກົດບັດຄິວ ອີກເຄື່ອງ',
      'ອະຍາກໃຫ້ ເປີດ ວັນເສົາ',
      'maybe post the list on facebook',
      'it would help to get an SMS',
      'khuan mi bon jot lot',
    ])
      expect(cues(s)).toContain('suggest');
    expect(cues('waited three hours')).not.toContain('suggest');
  });

  test('praise, quick service, greetings, plans and short texts', () => {
    expect(cues('respect to the team')).toContain('praise');
    expect(cues('ເຈົ້າໜ້າທີ່ ເຮັດວຽກ ເປັນມືອາຊີບ')).toContain('praise');
    expect(cues('staff were rude')).not.toContain('praise');
    expect(cues('done in 15 min')).toContain('quick');
    expect(cues('ໄດ້ ມື້ດຽວ')).toContain('quick');
    expect(cues('waited all day')).not.toContain('quick');
    expect(cues('hi')).toEqual(expect.arrayContaining(['greeting', 'short']));
    expect(cues('ສະບາຍດີ ເຈົ້າ')).toContain('greeting');
    expect(cues('highway is closed')).not.toContain('greeting');
    expect(cues('ອາທິດໜ້າ ຈະໄປເຮັດບັດ')).toContain('plan');
    expect(cues('next week we will transfer the car')).toContain('plan');
    expect(cues('the staff at the counter were very slow today')).not.toContain('short');
  });

  test('the rules hand them to the model as features, without changing their own kind', () => {
    const rules = new TextClassifier(seedCatalogView());
    const { result, signals } = rules.rulesWithSignals('is it free for children?');
    expect(signals.cues).toEqual(expect.arrayContaining(['k:ask', 'k:ask-end']));
    expect(featureNames('is it free for children?', signals)).toContain('r:c:k:ask');
    expect(rules.features('is it free for children?').rules).toContain(featureId('r:c:k:ask'));
    // The rules' own answer is the same as without the cues: a question (by "?").
    expect(result.kind.code).toBe('question');
  });
});

describe('everyday service names', () => {
  test('each one, written alone, gives its service by the rules alone', () => {
    const rules = new TextClassifier(seedCatalogView());
    const wrong: string[] = [];
    for (const [code, terms] of Object.entries(EVERYDAY_SERVICE_TERMS))
      for (const term of terms) {
        const got = rules.classify(term).service.code;
        if (got !== code) wrong.push(`${term}: ${String(got)} (want ${code})`);
      }
    expect(wrong).toEqual([]);
  });

  test('in a sentence, on word boundaries only', () => {
    const rules = new TextClassifier(seedCatalogView());
    expect(rules.classify('jot tabian bolisat yu sai').service.code).toBe(
      'enterprise_registration',
    );
    expect(rules.classify('pai jaeng tai pho').service.code).toBe('death_certificate');
    // "tin" is the tax number, not a part of "tinted"; "akon" not inside another word.
    expect(rules.classify('the windows were tinted').service.code).toBeNull();
    expect(rules.classify('bakonsaw').service.code).toBeNull();
  });
});

const prediction = (topics: Record<string, number>): ModelPrediction => ({
  service: { code: null, p: 0.9, confidence: 0.9 },
  kind: { code: 'complaint', p: 0.9, confidence: 0.9 },
  topics: Object.entries(topics).map(([code, p]) => ({ code, p, confidence: p })),
});

describe('per-topic thresholds', () => {
  const rules = {
    center: { code: null, confidence: 0, method: 'none' as const },
    service: { code: null, confidence: 0, method: 'none' as const },
    topics: [{ code: 'waiting_time', confidence: 0.75, method: 'keyword' as const }],
    kind: { code: 'complaint', confidence: 0.6, method: 'keyword' as const },
    sentiment: -0.5,
  };

  test('a topic with its own thresholds uses them; the others the shared ones', () => {
    const m = prediction({ waiting_time: 0.2, fees: 0.3, other: 0.3 });
    // Shared: waiting_time kept (0.2 ≥ 0.15), fees and other not added (0.3 < 0.4).
    expect(combine(rules, m).topics.map((t) => t.code)).toEqual(['waiting_time']);
    const policy = {
      ...DEFAULT_POLICY,
      topicAt: { waiting_time: { keep: 0.25, add: 0.9 }, other: { keep: 0.5, add: 0.3 } },
    };
    // waiting_time now needs 0.25 to stay; other is added from 0.3; fees keeps the shared 0.4.
    expect(combine(rules, m, policy).topics).toEqual([
      { code: 'other', confidence: 0.3, method: 'model' },
    ]);
  });

  test('a model file keeps them, and the classifier combines with them', () => {
    const shipped = shippedModel();
    const file = shipped.toFile();
    expect(Object.keys(file.topicThresholds ?? {}).sort()).toEqual(
      [...DEFAULT_SETTINGS.topics].sort(),
    );
    // Thresholds no message reaches: the model then adds and keeps no topic by them; only the
    // complaint's fallback (its one likeliest topic, DEFAULT_POLICY.topicForKinds) is left.
    const never = Object.fromEntries(DEFAULT_SETTINGS.topics.map((c) => [c, { keep: 2, add: 2 }]));
    const strict = ClassifierModel.fromFile({ ...file, topicThresholds: never });
    expect(strict.toFile().topicThresholds).toEqual(never);
    expect(policyOf(strict).topicAt).toEqual(never);
    expect(policyOf(null)).toBe(DEFAULT_POLICY);
    const text = 'ລໍຖ້າ ໓ ຊົ່ວໂມງ ພະນັກງານ ເວົ້າບໍ່ສຸພາບ';
    const catalog = seedCatalogView();
    expect(new TextClassifier(catalog, [], shipped).classify(text).topics.length).toBeGreaterThan(
      0,
    );
    const left = new TextClassifier(catalog, [], strict).classify(text);
    expect(left.kind.code).toBe('complaint');
    expect(left.topics).toHaveLength(1);
    expect(['model', 'keyword']).toContain(left.topics[0]!.method);
  });

  test('chooseTopicThresholds finds each topic its own cut on out-of-fold scores', () => {
    // fees: right answers score 0.3, wrong 0.1; other: right 0.8, wrong 0.6. No shared pair
    // separates both; per topic, each is separated.
    const labelled: LabelledMessage[] = [];
    const model: ModelPrediction[] = [];
    for (let i = 0; i < 40; i++) {
      const fees = i % 2 === 0;
      const other = i % 4 < 2;
      labelled.push({
        id: `${i}`,
        text: `m${i}`,
        center: null,
        service: null,
        topics: [...(fees ? ['fees'] : []), ...(other ? ['other'] : [])],
        kind: 'complaint',
      });
      model.push(prediction({ fees: fees ? 0.3 : 0.1, other: other ? 0.8 : 0.6 }));
    }
    const th = chooseTopicThresholds(
      labelled,
      labelled.map(() => []),
      model,
    );
    expect(th.fees!.add).toBeGreaterThan(0.1);
    expect(th.fees!.add).toBeLessThanOrEqual(0.3);
    expect(th.other!.add).toBeGreaterThan(0.6);
    expect(th.other!.add).toBeLessThanOrEqual(0.8);
  });
});

test('the model learns the topic "other" (it was never given before)', () => {
  expect(DEFAULT_SETTINGS.topics).toContain('other');
  const file = shippedModel().toFile();
  expect(file.topics.map((t) => t.code)).toContain('other');
});
