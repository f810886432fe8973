/**
 * The learning loop, measured through the real pipeline: messages in a phrasing the model does not
 * know are misclassified; staff correct N of them through the staff API; the retraining job (a real
 * BullMQ job) trains a new version from the labelled sets and the corrections, checks it on the
 * locked split against the active version, and — not worse — stores it active with its evaluation;
 * the intake worker loads it, and new messages in that phrasing are classified right by the model,
 * with no drop on the locked split. Then staff mislabel a batch of praise as complaints: the next
 * version is worse on the locked split, so the job stores it inactive with the reason and the
 * active version stays.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type IORedis from 'ioredis';
import { QueueEvents } from 'bullmq';
import { loadCatalogView, seedCatalogView } from '../shared/catalog/catalog';
import { evaluate, type EvalReport } from '../shared/classify/evaluate';
import { labelledSets } from '../shared/classify/labelled-sets';
import { ClassifierModel, type ModelFile } from '../shared/classify/model';
import { shippedModel } from '../shared/classify/shipped';
import { TextClassifier } from '../shared/classify/text-classifier';
import { createLogger } from '../shared/logger';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import {
  classifierModels,
  loadActiveModel,
  loadCorrections,
} from '../shared/models/classifier-model.model';
import { CatalogTextClassifier } from '../workers/intake/classify.step';
import { RETRAIN_JOB, startRetrainJobs } from '../workers/intake/retrain.job';
import { startTestPlatform, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, submit, type StaffAgent } from './helpers/staff';

const TARGET = 'marriage_registration';
/** The phrasing: a nickname no word list and no labelled message uses. */
const CORRECTED = [
  'need my kpn paper fast',
  'kpn paper still not ready after two weeks',
  'where do i get the kpn paper',
  'kpn paper counter was closed',
  'they lost my kpn paper',
  'kpn paper costs too much',
];
const PROBES = ['kpn paper please help', 'my kpn paper took long', 'question about kpn paper'];
/**
 * Praise that staff wrongly mark as complaints (a mistaken batch of corrections): ten praise
 * messages of the locked split itself, so that the damage shows where the guard looks. (Ten, twenty
 * or forty praise messages written here, or taken from the open messages, moved kind on the locked
 * split by no more than the guard's one-message tolerance once 2,661 messages were labelled: the
 * guard would have had nothing to refuse.) Ones the model that will classify them (the version
 * then active) reads as praise, so that marking them complaints changes each of them.
 */
const mislabelled = (model: ClassifierModel) => {
  const c = new TextClassifier(seedCatalogView(), [], model);
  return labelledSets()
    .locked.filter((m) => m.kind === 'praise' && c.classify(m.text).kind.code === 'praise')
    .slice(0, 10)
    .map((m) => m.text);
};

let p: TestPlatform;
let staff: StaffAgent;
let retrain: Awaited<ReturnType<typeof startRetrainJobs>>;
let events: QueueEvents;
let eventsRedis: IORedis;

beforeAll(async () => {
  p = await startTestPlatform('retrain');
  // ttl 0: each job sees the newest model version (the production default refreshes each minute).
  await p.startWorker(
    new CatalogTextClassifier(
      {
        catalog: () => loadCatalogView(p.catalog),
        aliases: () => loadAliases(aliasModel(p.conn)),
        model: () => loadActiveModel(classifierModels(p.conn)),
      },
      0,
    ),
  );
  await makeUser(p, 'trainer@odsc.gov.la', 'admin');
  staff = await signIn(p.app, 'trainer@odsc.gov.la');
  retrain = await startRetrainJobs(
    p.workerRedis,
    p.config.queuePrefix,
    { conn: p.conn, log: createLogger('test', 'silent'), minNew: CORRECTED.length },
    0,
  );
  eventsRedis = p.workerRedis.duplicate();
  events = new QueueEvents(retrain.queue.name, {
    connection: eventsRedis,
    prefix: p.config.queuePrefix,
  });
  await events.waitUntilReady();
}, 120_000);

afterAll(async () => {
  await events?.close();
  eventsRedis?.disconnect();
  await retrain?.close();
  await p?.close();
});

const serviceOf = async (text: string) => {
  const code = await submit(p, { centerCode: 'LA-VT-XAYSETHA', text });
  return (await p.counted(code)).service;
};

async function runJob() {
  const job = await retrain.queue.add(RETRAIN_JOB, {});
  // One quick training over every labelled set: about 150 s alone with thirty-one sets, twice that
  // or more beside the rest of the suite on two cores.
  return (await job.waitUntilFinished(events, 900_000)) as {
    trained: boolean;
    activated: boolean;
    reason: string;
    version?: string;
    corrections: number;
  };
}

async function correct(text: string, patch: Record<string, unknown>) {
  const code = await submit(p, { centerCode: 'LA-VT-XAYSETHA', text });
  const res = await staff.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', staff.csrf)
    .send(patch);
  expect(res.status).toBe(200);
}

/** At most one message lost per field (the tolerance the guard states, rounding aside). */
function expectNoDrop(before: EvalReport, after: EvalReport, topicLabels: number) {
  const one = (n: number) => 1 / n + 0.001 + 1e-9;
  expect(after.center.accuracy).toBeGreaterThanOrEqual(
    before.center.accuracy - one(before.center.labelled),
  );
  expect(after.service.accuracy).toBeGreaterThanOrEqual(
    before.service.accuracy - one(before.service.labelled),
  );
  expect(after.topics.f1).toBeGreaterThanOrEqual(before.topics.f1 - one(topicLabels));
  expect(after.kind.accuracy).toBeGreaterThanOrEqual(before.kind.accuracy - one(before.n));
}

test('after staff correct N messages of an unknown phrasing, the retrained model classifies new ones right and is activated; a retrained version worse on the locked split stays inactive', async () => {
  const { locked } = labelledSets();
  const topicLabels = locked.reduce((n, m) => n + m.topics.length, 0);
  const catalog = await loadCatalogView(p.catalog);
  const rules = new TextClassifier(catalog, [], null);
  const { Version, Weights } = classifierModels(p.conn);

  // Before: the shipped model does not know the phrasing.
  for (const text of PROBES) expect((await serviceOf(text)).code).not.toBe(TARGET);

  // Too few corrections: the job looks and does not train.
  await correct(CORRECTED[0]!, { serviceCode: TARGET });
  expect(await runJob()).toMatchObject({ trained: false, activated: false, corrections: 1 });
  expect(await loadActiveModel(classifierModels(p.conn))).toBeNull();

  // A service correction also teaches a phrase alias (test/classify-learning.test.ts), which
  // would classify the next messages by itself: it is removed, so what is measured here is the
  // model alone.
  const Alias = aliasModel(p.conn);
  for (const text of CORRECTED.slice(1)) {
    await Alias.deleteMany({});
    await correct(text, { serviceCode: TARGET });
  }
  await Alias.deleteMany({});
  const corrections = await loadCorrections(p.Feedback);
  expect(corrections).toHaveLength(CORRECTED.length);
  expect(corrections.every((c) => c.service === TARGET)).toBe(true);

  // Path 1: not worse on the locked split → active. The job trains in a thread: this process's
  // event loop (the api, the intake worker, the job's own lock) is never held for long meanwhile.
  // On its own thread a run held it for 40–120 s.
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const startedAt = Date.now();
  const outcome = await runJob();
  loop.disable();
  const tookMs = Date.now() - startedAt;
  expect(loop.max / 1e6).toBeLessThan(Math.min(5_000, tookMs / 4));
  expect(outcome).toMatchObject({
    trained: true,
    activated: true,
    corrections: CORRECTED.length,
  });
  const stored = await Version.findById(outcome.version).lean();
  expect(stored).toMatchObject({
    active: true,
    rejected: null,
    trainedOn: { corrections: CORRECTED.length },
    evaluation: { locked: { n: locked.length }, guard: { accepted: true } },
  });

  // After: new messages in that phrasing (none of them corrected) get the service from the model.
  for (const text of PROBES)
    expect(await serviceOf(text)).toMatchObject({ code: TARGET, method: 'model' });

  // No drop on the locked split beyond one message per field, scored here independently of the job.
  const learned = (await loadActiveModel(classifierModels(p.conn)))!;
  expect(learned.version).toBe(outcome.version);
  const shippedScores = evaluate(rules.withModel(shippedModel()), locked);
  const learnedScores = evaluate(rules.withModel(learned), locked);
  expect(learnedScores.center.accuracy).toBe(shippedScores.center.accuracy);
  expectNoDrop(shippedScores, learnedScores, topicLabels);

  // Path 2: staff mark a batch of praise as complaints. The job trains on it, finds the new version
  // worse on the locked split (kind), and keeps it inactive with the reason.
  const MISLABELLED = mislabelled(learned);
  expect(MISLABELLED).toHaveLength(10);
  for (const text of MISLABELLED) await correct(text, { kind: 'complaint' });
  expect(await loadCorrections(p.Feedback)).toHaveLength(CORRECTED.length + MISLABELLED.length);
  const bad = await runJob();
  expect(bad).toMatchObject({
    trained: true,
    activated: false,
    corrections: CORRECTED.length + MISLABELLED.length,
  });
  expect(bad.reason).toMatch(/worse than the active version on the locked split: .*kind/);
  const rejected = await Version.findById(bad.version).lean();
  expect(rejected).toMatchObject({
    active: false,
    rejected: expect.stringMatching(/kind \d\.\d+ → \d\.\d+/),
    evaluation: { guard: { accepted: false, against: learned.version } },
  });
  // The rejected version is kept (weights too), and it is indeed worse: scored here, its kind
  // accuracy on the locked split is more than one message below the active version's.
  const weights = await Weights.findById(bad.version).lean();
  const candidate = ClassifierModel.fromFile(JSON.parse(weights!.file) as ModelFile);
  const candidateScores = evaluate(rules.withModel(candidate), locked);
  expect(candidateScores.kind.accuracy).toBeLessThan(
    learnedScores.kind.accuracy - 1 / locked.length - 0.001,
  );
  // The active version is unchanged, and the worker still classifies with it.
  expect((await loadActiveModel(classifierModels(p.conn)))!.version).toBe(learned.version);
  for (const text of PROBES)
    expect(await serviceOf(text)).toMatchObject({ code: TARGET, method: 'model' });

  // The rejected run counts: the same corrections do not make the job train again.
  expect(await runJob()).toMatchObject({
    trained: false,
    activated: false,
    reason: '0 new corrections',
  });
}, 1_800_000);
