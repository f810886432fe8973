/**
 * The learning loop, measured through the real pipeline: messages in a phrasing the model does not
 * know are misclassified; staff correct N of them through the staff API; the retraining job (a real
 * BullMQ job) trains a new version from the labelled sets and the corrections and stores it in the
 * database with its evaluation; the intake worker loads it, and new messages in that phrasing are
 * classified right by the model, with no drop on the locked split for center, kind and topics.
 */
import { QueueEvents } from 'bullmq';
import { loadCatalogView } from '../shared/catalog/catalog';
import { evaluate } from '../shared/classify/evaluate';
import { labelledSets } from '../shared/classify/labelled-sets';
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

let p: TestPlatform;
let staff: StaffAgent;
let retrain: Awaited<ReturnType<typeof startRetrainJobs>>;
let events: QueueEvents;

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
  events = new QueueEvents(retrain.queue.name, {
    connection: p.workerRedis.duplicate(),
    prefix: p.config.queuePrefix,
  });
  await events.waitUntilReady();
}, 120_000);

afterAll(async () => {
  await events?.close();
  await retrain?.close();
  await p?.close();
});

const serviceOf = async (text: string) => {
  const code = await submit(p, { centerCode: 'LA-VT-XAYSETHA', text });
  return (await p.counted(code)).service;
};

async function runJob() {
  const job = await retrain.queue.add(RETRAIN_JOB, {});
  return (await job.waitUntilFinished(events, 300_000)) as {
    trained: boolean;
    version?: string;
    corrections: number;
  };
}

test('after staff correct N messages of an unknown phrasing, the retrained model classifies new ones right; center, kind and topics do not drop on the locked split', async () => {
  // Before: the shipped model does not know the phrasing.
  for (const text of PROBES) expect((await serviceOf(text)).code).not.toBe(TARGET);

  // Too few corrections: the job looks and does not train.
  const early = await submit(p, { centerCode: 'LA-VT-XAYSETHA', text: CORRECTED[0] });
  let res = await staff.agent
    .patch(`/api/v1/feedback/${early}`)
    .set('X-CSRF-Token', staff.csrf)
    .send({ serviceCode: TARGET });
  expect(res.status).toBe(200);
  expect(await runJob()).toMatchObject({ trained: false, corrections: 1 });
  expect(await loadActiveModel(classifierModels(p.conn))).toBeNull();

  // A service correction also teaches a phrase alias (test/classify-learning.test.ts), which
  // would classify the next messages by itself: it is removed, so what is measured here is the
  // model alone.
  const Alias = aliasModel(p.conn);
  for (const text of CORRECTED.slice(1)) {
    await Alias.deleteMany({});
    const code = await submit(p, { centerCode: 'LA-VT-XAYSETHA', text });
    res = await staff.agent
      .patch(`/api/v1/feedback/${code}`)
      .set('X-CSRF-Token', staff.csrf)
      .send({ serviceCode: TARGET });
    expect(res.status).toBe(200);
  }
  await Alias.deleteMany({});
  const corrections = await loadCorrections(p.Feedback);
  expect(corrections).toHaveLength(CORRECTED.length);
  expect(corrections.every((c) => c.service === TARGET)).toBe(true);

  const outcome = await runJob();
  expect(outcome).toMatchObject({ trained: true, corrections: CORRECTED.length });
  const stored = await classifierModels(p.conn).Version.findById(outcome.version).lean();
  expect(stored).toMatchObject({ active: true, trainedOn: { corrections: CORRECTED.length } });
  expect(stored?.evaluation).toMatchObject({ locked: { n: expect.any(Number) } });

  // After: new messages in that phrasing (none of them corrected) get the service from the model.
  for (const text of PROBES)
    expect(await serviceOf(text)).toMatchObject({ code: TARGET, method: 'model' });

  // No drop on the locked split for center, kind and topics: the new version scores at least as
  // the shipped one, within one message of the split. Service is NOT held to it yet: these six
  // corrections move it from 0.770 to 0.752 (5 of 280 locked messages), and nothing stops such a
  // version from becoming active (docs/classification.md, "What is weak").
  const model = (await loadActiveModel(classifierModels(p.conn)))!;
  const { locked } = labelledSets();
  const catalog = await loadCatalogView(p.catalog);
  const before = evaluate(new TextClassifier(catalog, [], shippedModel()), locked);
  const after = evaluate(new TextClassifier(catalog, [], model), locked);
  const oneMessage = 1 / locked.length + 1e-9;
  expect(after.center.accuracy).toBe(before.center.accuracy);
  expect(after.kind.accuracy).toBeGreaterThanOrEqual(before.kind.accuracy - oneMessage);
  expect(after.topics.f1).toBeGreaterThanOrEqual(before.topics.f1 - 0.01);
}, 600_000);
