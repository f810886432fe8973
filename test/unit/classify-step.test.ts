/**
 * The intake's classify step (workers/intake/classify.step.ts) with the rules and a real model
 * file: topics the citizen chose on the kiosk and a lone topic the text only guesses.
 */
import { seedCatalogView } from '../../shared/catalog/catalog';
import { ClassifierModel, DEFAULT_SETTINGS } from '../../shared/classify/model';
import { shippedModel } from '../../shared/classify/shipped';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import { CatalogTextClassifier } from '../../workers/intake/classify.step';
import type { NormalizedIntake } from '../../workers/intake/normalize.step';

// Thresholds no message reaches: a complaint's only text topic is then the kind rule's guess.
const never = Object.fromEntries(DEFAULT_SETTINGS.topics.map((c) => [c, { keep: 2, add: 2 }]));
const guessing = ClassifierModel.fromFile({ ...shippedModel().toFile(), topicThresholds: never });
/** The intake's classify step on the seed catalog with `model`. */
const stepWith = (model: ClassifierModel) =>
  new CatalogTextClassifier({
    catalog: async () => seedCatalogView(),
    aliases: async () => [],
    model: async () => model,
  });
const step = stepWith(guessing);

const input = (text: string, topicCodes?: string[]) => {
  const envelope = {
    v: 1,
    channel: 'kiosk',
    externalId: 'k-1',
    receivedAt: '2026-11-30T10:00:00.000Z',
    sender: { kind: 'anonymous', consentToContact: false },
    text,
    ...(topicCodes ? { topicCodes } : {}),
    meta: {},
  } as unknown as IntakeEnvelope;
  // The step reads only the normalised text.
  const normalized = { text: { normalized: text } } as unknown as NormalizedIntake;
  return { envelope, normalized };
};

test("the kind rule's guessed topic is dropped when the citizen chose topics; kept when not", async () => {
  // "Came three times already, still nothing": a complaint with no topic word; its one topic is
  // the kind rule's guess.
  const vague = 'ມາສາມເທື່ອແລ້ວ ຍັງບໍ່ໄດ້';
  const free = await step.classify(input(vague));
  expect(free.kind.code).toBe('complaint');
  expect(free.topics).toHaveLength(1);
  expect(['model', 'keyword']).toContain(free.topics[0]!.method);
  const chosen = await step.classify(input(vague, ['facilities']));
  expect(chosen.topics).toEqual([{ code: 'facilities', confidence: 1, method: 'explicit' }]);
});

test('with the shipped thresholds, sure text topics join the chosen ones', async () => {
  const shipped = stepWith(shippedModel());
  const out = await shipped.classify(
    input('ລໍຖ້າ ໓ ຊົ່ວໂມງ ພະນັກງານ ເວົ້າບໍ່ສຸພາບ ຢູ່ສູນປາກເຊ', ['facilities']),
  );
  expect(out.topics[0]).toEqual({ code: 'facilities', confidence: 1, method: 'explicit' });
  expect(out.topics.map((t) => t.code)).toEqual(
    expect.arrayContaining(['facilities', 'waiting_time', 'staff_conduct']),
  );
});
