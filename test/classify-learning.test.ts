/**
 * Free text through the real pipeline: an SMS-like envelope is classified by the worker; a staff
 * correction moves the rollup count and teaches the phrase; the next message with it is classified
 * "learned"; explicit values are never overridden.
 */
import { loadCatalogView } from '../shared/catalog/catalog';
import { intakeJobId, type IntakeEnvelope } from '../shared/intake-envelope.schema';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { rollupModel } from '../shared/models/rollup.model';
import { CatalogTextClassifier } from '../workers/intake/classify.step';
import { applyCorrection } from '../workers/intake/correction';
import { RollupWriter } from '../workers/intake/rollup-writer';
import { startTestPlatform, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
let classifier: CatalogTextClassifier;
beforeAll(async () => {
  p = await startTestPlatform('learning');
  // ttl 0: every job sees the newest learned phrases (the production default is a minute).
  classifier = new CatalogTextClassifier(
    { catalog: () => loadCatalogView(p.catalog), aliases: () => loadAliases(aliasModel(p.conn)) },
    0,
  );
  await p.startWorker(classifier);
});
afterAll(async () => {
  await p.close();
});

let n = 0;
async function send(text: string, over: Partial<IntakeEnvelope> = {}) {
  const env: IntakeEnvelope = {
    v: 1,
    channel: 'sms',
    externalId: `SM${(++n).toString().padStart(32, '0')}`,
    receivedAt: '2026-11-25T02:00:00.000Z',
    sender: { kind: 'anonymous', consentToContact: false },
    text,
    meta: {},
    ...over,
  };
  await p.queue.add('sms', env, { jobId: intakeJobId('sms', env.externalId) });
  return p.counted(p.codes.derive('sms', env.externalId));
}

test('the worker classifies free text in Lao and English', async () => {
  const lo = await send('ລໍຖ້າດົນຫຼາຍ ຢູ່ ຫ້ອງການ ໄຊເສດຖາ ເລື່ອງໃບຕາດິນ');
  expect(lo).toMatchObject({
    center: { code: 'LA-VT-XAYSETHA', method: 'keyword' },
    service: { code: 'land_registration', method: 'keyword' },
    kind: { code: 'complaint' },
    needsTriage: false,
  });
  expect(lo.topics.map((t) => t.code)).toContain('waiting_time');
  expect(lo.sentiment).toBeLessThan(0);
  expect(lo.slaDueAt).toBeInstanceOf(Date);
  const en = await send('xaythany staff asked 50000 kip extra for family book');
  expect(en.center.code).toBe('LA-VT-XAYTHANY');
  expect(en.service.code).toBe('family_book');
  expect(en.topics.map((t) => t.code)).toEqual(
    expect.arrayContaining(['fees', 'informal_payment']),
  );
  expect(en.text?.normalized).toBe('xaythany staff asked 50000 kip extra for family book');
  expect(en.text?.amountsKip).toEqual([50000]);
});

test('a staff correction moves the count and is learned; the next message with the phrase is classified "learned"', async () => {
  const first = await send('went to xtny office, staff rude');
  expect(first.center.code).toBeNull();
  expect(first.needsTriage).toBe(true);
  const Rollup = rollupModel(p.conn);
  expect((await Rollup.findById('2026-11-25|_unknown|_unknown|sms').lean())?.count).toBe(1);

  const learned = await applyCorrection(
    {
      Feedback: p.Feedback,
      Alias: aliasModel(p.conn),
      rollups: new RollupWriter(Rollup),
      catalog: await loadCatalogView(p.catalog),
    },
    first._id,
    { field: 'center', code: 'LA-VT-XAYTHANY', by: 'triage-officer-1' },
  );
  expect(learned).toEqual({ field: 'center', phrase: 'xtny', code: 'LA-VT-XAYTHANY' });
  expect(await p.Feedback.findById(first._id).lean()).toMatchObject({
    center: { code: 'LA-VT-XAYTHANY', method: 'explicit' },
    needsTriage: false,
  });
  expect((await Rollup.findById('2026-11-25|_unknown|_unknown|sms').lean())?.count).toBe(0);
  expect((await Rollup.findById('2026-11-25|LA-VT-XAYTHANY|_unknown|sms').lean())?.count).toBe(1);

  const next = await send('XTNY again, waited 3 hours');
  expect(next.center).toMatchObject({ code: 'LA-VT-XAYTHANY', method: 'learned' });
  expect(next.needsTriage).toBe(false);
});

test('explicit values from a form, the bot or a kiosk are never overridden by text or learned phrases', async () => {
  const doc = await send('xtny staff rude, family book', {
    channel: 'sms',
    centerCode: 'LA-LP',
    serviceCode: 'tax',
    rating: 1,
  });
  expect(doc.center).toMatchObject({ code: 'LA-LP', method: 'explicit' });
  expect(doc.service).toMatchObject({ code: 'tax', method: 'explicit' });
});

test('a correction to an unknown code is refused and changes nothing', async () => {
  const doc = await send('slow service');
  await expect(
    applyCorrection(
      {
        Feedback: p.Feedback,
        Alias: aliasModel(p.conn),
        rollups: new RollupWriter(rollupModel(p.conn)),
        catalog: await loadCatalogView(p.catalog),
      },
      doc._id,
      { field: 'center', code: 'LA-ZZ', by: 'x' },
    ),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect((await p.Feedback.findById(doc._id).lean())?.center.code).toBeNull();
});
