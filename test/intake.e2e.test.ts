/**
 * The spine end to end on real FerretDB and Redis: web submission → BullMQ → intake worker →
 * feedback document + rollup → status by tracking code.
 */
import request from 'supertest';
import { intakeJobId, type IntakeEnvelope } from '../shared/intake-envelope.schema';
import { parseTrackingCode, TrackingCodes } from '../shared/tracking-code';
import { startTestPlatform, validBody, waitFor, type TestPlatform } from './helpers/platform';
import { queueIdle } from './helpers/quiet';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('intake', { worker: true });
});
afterAll(async () => {
  await p.close();
});

const storedByCode = (display: string) => p.counted(display);

test('a submission is stored exactly once with the expected fields, and its status is found', async () => {
  const body = validBody({
    text: '  ພະນັກງານ\u200B ບໍ່ສຸພາບ   ລໍຖ້າ ໓ ຊົ່ວໂມງ ',
    contact: { phone: '020 5555 1234', consentToContact: true },
    topicCodes: ['waiting_time', 'staff_conduct'],
    locale: 'lo',
    source: 'poster-vt',
  });
  const res = await request(p.app).post('/api/v1/feedback').send(body).expect(202);
  expect(res.body.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);

  const doc = await storedByCode(res.body.trackingCode);
  expect(await p.Feedback.countDocuments({})).toBe(1);
  expect(doc).toMatchObject({
    channel: 'web',
    status: 'received',
    rating: 2,
    center: { code: 'LA-VT-XAYSETHA', confidence: 1, method: 'explicit' },
    service: { code: 'land_registration', confidence: 1, method: 'explicit' },
    kind: { code: 'complaint' },
    locale: 'lo',
    source: 'poster-vt',
    needsTriage: false,
  });
  expect(doc._id).toBe(parseTrackingCode(res.body.trackingCode));
  expect(doc.topics.map((t) => t.code)).toEqual(['waiting_time', 'staff_conduct']);
  expect(doc.text?.raw).toBe(body.text);
  expect(doc.text?.normalized).toBe('ພະນັກງານ ບໍ່ສຸພາບ ລໍຖ້າ 3 ຊົ່ວໂມງ');
  expect(doc.text?.script).toBe('lo');
  expect(doc.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(doc.slaDueAt).toBeInstanceOf(Date);

  // The phone is sealed at rest, opens to E.164 with the key, and is not anywhere in clear.
  expect(doc.sender.kind).toBe('phone');
  expect(p.vault.decrypt(doc.sender.idSealed!)).toBe('+8562055551234');
  // A number typed on the web form is unverified: hashed apart from numbers that texted us.
  expect(doc.sender.verified).toBe(false);
  expect(doc.sender.idHash).toBe(p.vault.hash('unverified-phone:+8562055551234'));
  expect(doc.sender.idHash).not.toBe(p.vault.hash('phone:+8562055551234'));
  const raw = JSON.stringify(await p.conn.db!.collection('feedback').findOne({}));
  expect(raw).not.toMatch(/55551234/);

  const status = await request(p.app).get(`/api/v1/status/${res.body.trackingCode}`).expect(200);
  expect(Object.keys(status.body).sort()).toEqual([
    'receivedAt',
    'status',
    'trackingCode',
    'updatedAt',
  ]);
  expect(status.body).toMatchObject({ trackingCode: res.body.trackingCode, status: 'received' });
  // Typed sloppily (lower case, no dash, O for 0) it still finds the same feedback.
  const sloppy = res.body.trackingCode.toLowerCase().replace('-', ' ').replace(/0/g, 'o');
  await request(p.app)
    .get(`/api/v1/status/${encodeURIComponent(sloppy)}`)
    .expect(200);

  const rollup = await p.Rollup.findOne({
    centerCode: 'LA-VT-XAYSETHA',
    serviceCode: 'land_registration',
    channel: 'web',
  }).lean();
  expect(rollup).toMatchObject({
    count: 1,
    ratingSum: 2,
    ratingCount: 1,
    complaints: 1,
    ratings: { r2: 1 },
  });
});

test('the same Idempotency-Key twice gives one document and one tracking code', async () => {
  const before = await p.Feedback.countDocuments({});
  const body = validBody({ rating: 5, text: 'ບໍລິການດີຫຼາຍ ຂອບໃຈ' });
  const key = 'b3f0c1e2-1111-4a5b-9c8d-0123456789ab';
  const a = await request(p.app)
    .post('/api/v1/feedback')
    .set('Idempotency-Key', key)
    .send(body)
    .expect(202);
  const b = await request(p.app)
    .post('/api/v1/feedback')
    .set('Idempotency-Key', key)
    .send(body)
    .expect(202);
  expect(b.body.trackingCode).toBe(a.body.trackingCode);
  await storedByCode(a.body.trackingCode);
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({})).toBe(before + 1);

  // Reusing the key for a different body is a client error, not a silent duplicate.
  const c = await request(p.app)
    .post('/api/v1/feedback')
    .set('Idempotency-Key', key)
    .send({ ...body, rating: 1 })
    .expect(409);
  expect(c.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('a job delivered twice (queue redelivery after completion) is stored and counted once', async () => {
  const env: IntakeEnvelope = {
    v: 1,
    channel: 'web',
    externalId: 'redelivery-1',
    receivedAt: new Date().toISOString(),
    sender: { kind: 'anonymous', consentToContact: false },
    rating: 4,
    centerCode: 'LA-LP',
    meta: {},
  };
  const jobId = intakeJobId('web', env.externalId);
  const results: boolean[] = [];
  p.worker!.on('completed', (job, result) => {
    if (job.id === jobId) results.push(result.created);
  });
  await p.queue.add('web', env, { jobId });
  const code = p.codes.derive('web', env.externalId);
  await waitFor(() => p.Feedback.findOne({ trackingCode: code }).lean(), 'first delivery');
  // Completed jobs are removed, so BullMQ accepts the same id again: the store upsert must hold.
  await waitFor(async () => !(await p.queue.getJob(jobId)), 'completed job removed');
  const again = await p.queue.add(
    'web',
    { ...env, receivedAt: new Date(Date.now() + 1000).toISOString() },
    { jobId },
  );
  await waitFor(
    async () =>
      (await p.queue.getJobCountByTypes('completed', 'active', 'wait', 'delayed')) === 0 &&
      !(await p.queue.getJob(String(again.id))),
    'second delivery processed',
  );
  // Both deliveries ran through the worker; only the first created a document.
  await waitFor(() => results.length === 2, 'two completions');
  expect(results).toEqual([true, false]);
  expect(await p.Feedback.countDocuments({ externalId: 'redelivery-1' })).toBe(1);
  const rollup = await p.Rollup.findOne({ centerCode: 'LA-LP', channel: 'web' }).lean();
  expect(rollup?.count).toBe(1);
});

test("the tracking code is derived once, by the api, and carried to the worker: a worker whose key derives other codes stores under the citizen's", async () => {
  await p.worker!.close();
  try {
    // A worker whose tracking-code key differs (a PII_KEY mismatch between api and worker).
    await p.startWorker(undefined, { codes: new TrackingCodes(Buffer.alloc(32, 7)) });
    const res = await request(p.app)
      .post('/api/v1/feedback')
      .send(validBody({ text: 'carried code', rating: 3 }))
      .expect(202);
    const code = parseTrackingCode(res.body.trackingCode)!;
    const doc = await p.counted(code);
    expect(doc._id).toBe(code);
    // An envelope queued without its code (an older api) still gets one: derived by the worker.
    const legacy: IntakeEnvelope = {
      v: 1,
      channel: 'web',
      externalId: 'legacy-no-code',
      receivedAt: new Date().toISOString(),
      sender: { kind: 'anonymous', consentToContact: false },
      rating: 5,
      centerCode: 'LA-LP',
      meta: {},
    };
    await p.queue.add('web', legacy, { jobId: intakeJobId('web', legacy.externalId) });
    const derived = new TrackingCodes(Buffer.alloc(32, 7)).derive('web', 'legacy-no-code');
    await p.counted(derived);
  } finally {
    await p.worker!.close();
    await p.startWorker();
  }
});

test('status of an unknown or a malformed code is 404 NOT_FOUND in the error format', async () => {
  const unknown = await request(p.app).get('/api/v1/status/ABCDE-FGHJK').expect(404);
  expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND' });
  expect(unknown.body.error.requestId).toBeTruthy();
  // A code that cannot be one is unknown too (ARCHITECTURE.md), with the format as a hint.
  const bad = await request(p.app).get('/api/v1/status/not-a-code').expect(404);
  expect(bad.body.error).toMatchObject({
    code: 'NOT_FOUND',
    details: [{ field: 'trackingCode', message: expect.stringMatching(/10 letters and digits/) }],
  });
  expect(bad.body.error.requestId).toBeTruthy();
});

test('healthz answers and readyz reports both stores', async () => {
  await request(p.app).get('/healthz').expect(200, { status: 'ok' });
  const r = await request(p.app).get('/readyz').expect(200);
  expect(r.body.checks).toEqual({ mongo: 'ok', redis: 'ok' });
});

test('the status page answers in Lao by default and in English, and says what is wrong with a code', async () => {
  const res = await request(p.app)
    .post('/api/v1/feedback')
    .send(validBody({ rating: 4 }))
    .expect(202);
  await storedByCode(res.body.trackingCode);
  const lo = await request(p.app).get(`/status?code=${res.body.trackingCode}`).expect(200);
  expect(lo.text).toContain('lang="lo"');
  expect(lo.text).toContain('ໄດ້ຮັບແລ້ວ');
  const en = await request(p.app)
    .get(`/status?lang=en&code=${res.body.trackingCode.toLowerCase()}`)
    .expect(200);
  expect(en.text).toContain('Received');
  expect((await request(p.app).get('/status?code=ABCDE-FGHJK').expect(404)).text).toContain(
    'ບໍ່ພົບລະຫັດນີ້',
  );
  // A code that cannot be one is not found either, in both languages, with the format as a hint.
  const hello = (await request(p.app).get('/status?lang=en&code=hello').expect(404)).text;
  expect(hello).toContain('This code was not found');
  expect(hello).toContain('10 letters and digits');
  expect((await request(p.app).get('/status?code=hello').expect(404)).text).toContain('ບໍ່ພົບລະຫັດນີ້');
  expect((await request(p.app).get('/status').expect(200)).text).toContain('name="code"');
  // No personal data on the page, only the status and dates.
  expect(lo.text).not.toMatch(/5555|ລໍຖ້າ/);
});

test('the JSON API takes a phone sent without consent as no number: 202, nothing of it stored', async () => {
  const body = validBody({
    text: 'no call back please',
    contact: { phone: '020 5555 7788', consentToContact: false },
  });
  const res = await request(p.app).post('/api/v1/feedback').send(body).expect(202);
  const doc = await storedByCode(res.body.trackingCode);
  expect(doc.sender).toMatchObject({ kind: 'anonymous', consentToContact: false });
  expect(doc.sender.idSealed).toBeUndefined();
  expect(doc.sender.idHash).toBeUndefined();
  expect(doc.meta.phoneUnverified).toBeUndefined();
  // Not in the document, sealed, hashed or clear.
  const raw = JSON.stringify(
    await p.conn.db!.collection('feedback').findOne({ _id: doc._id as never }),
  );
  expect(raw).not.toMatch(/5555\s?7788|55557788/);
  expect(raw).not.toContain(p.vault.hash('unverified-phone:+8562055557788'));
  // The same number with consent is still stored sealed (the drop is only for consent: false).
  const withConsent = await request(p.app)
    .post('/api/v1/feedback')
    .send(validBody({ contact: { phone: '020 5555 7788', consentToContact: true } }))
    .expect(202);
  const kept = await storedByCode(withConsent.body.trackingCode);
  expect(p.vault.decrypt(kept.sender.idSealed!)).toBe('+8562055557788');
});
