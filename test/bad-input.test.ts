/** Every bad input gets a clear 4xx with field errors, and nothing reaches the queue or the database. */
import request from 'supertest';
import { startTestPlatform, validBody, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  // No worker: anything that got past validation would sit in the queue, where we can see it.
  p = await startTestPlatform('badinput');
});
afterAll(async () => {
  await p.close();
});

async function expectNothingQueued() {
  const counts = await p.queue.getJobCounts(
    'wait',
    'active',
    'delayed',
    'failed',
    'completed',
    'prioritized',
  );
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  expect(await p.Feedback.countDocuments({})).toBe(0);
}

const post = (body: unknown) =>
  request(p.app)
    .post('/api/v1/feedback')
    .send(body as object);

const cases: [string, unknown, string, number][] = [
  ['missing center', { rating: 3 }, 'centerCode', 422],
  ['unknown center', validBody({ centerCode: 'LA-ZZ' }), 'centerCode', 422],
  ['unknown service', validBody({ serviceCode: 'flying_licence' }), 'serviceCode', 422],
  ['rating above 5', validBody({ rating: 6 }), 'rating', 422],
  ['rating 0', validBody({ rating: 0 }), 'rating', 422],
  ['fractional rating', validBody({ rating: 2.5 }), 'rating', 422],
  ['rating as text', validBody({ rating: 'five' }), 'rating', 422],
  ['neither rating nor text', { centerCode: 'LA-VT' }, 'rating', 422],
  ['operator instead of a center', { centerCode: { $gt: '' }, rating: 3 }, 'centerCode', 422],
  [
    'operator in a nested field',
    validBody({ contact: { phone: { $ne: null }, consentToContact: true } }),
    'contact.phone',
    422,
  ],
  ['unknown top-level field', validBody({ $where: 'sleep(1000)' }), '$where', 422],
  [
    'phone that is not a phone',
    validBody({ contact: { phone: '12', consentToContact: true } }),
    'contact.phone',
    422,
  ],
  // A phone without consent is not an error in the JSON API: it is dropped (intake.e2e.test.ts).
  [
    'anonymous with a phone',
    validBody({ anonymous: true, contact: { phone: '020 5555 1234', consentToContact: true } }),
    'contact',
    422,
  ],
  ['unknown topic', validBody({ topicCodes: ['weather'] }), 'topicCodes.0', 422],
  ['comment too long', validBody({ text: 'ກ'.repeat(4001) }), 'text', 422],
];

test.each(cases.map(([name, body, field, status]) => ({ name, body, field, status })))(
  '$name → $status with an error on $field, nothing stored',
  async ({ body, field, status }) => {
    const res = await post(body).expect(status);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.requestId).toBeTruthy();
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    for (const d of res.body.error.details) expect(d.message).toEqual(expect.any(String));
    await expectNothingQueued();
  },
);

test('a 10 MB body is refused with 413 before it is parsed', async () => {
  const big = JSON.stringify(validBody({ text: 'x'.repeat(10 * 1024 * 1024) }));
  const res = await request(p.app)
    .post('/api/v1/feedback')
    .set('Content-Type', 'application/json')
    .send(big)
    .expect(413);
  expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  await expectNothingQueued();
});

test('a wrong content type is 415, malformed JSON is 400', async () => {
  const t = await request(p.app)
    .post('/api/v1/feedback')
    .set('Content-Type', 'text/plain')
    .send('centerCode=LA-VT')
    .expect(415);
  expect(t.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  const f = await request(p.app)
    .post('/api/v1/feedback')
    .type('form')
    .send({ centerCode: 'LA-VT', rating: '3' })
    .expect(415);
  expect(f.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  const j = await request(p.app)
    .post('/api/v1/feedback')
    .set('Content-Type', 'application/json')
    .send('{"centerCode": ')
    .expect(400);
  expect(j.body.error.code).toBe('BAD_REQUEST');
  await expectNothingQueued();
});

test('a JSON body that is not an object is a validation error', async () => {
  for (const body of ['[]', '"LA-VT"', '42', 'null']) {
    const res = await request(p.app)
      .post('/api/v1/feedback')
      .set('Content-Type', 'application/json')
      .send(body);
    expect([400, 422]).toContain(res.status);
    expect(res.body.error.code).toMatch(/VALIDATION_FAILED|BAD_REQUEST/);
  }
  await expectNothingQueued();
});

test('an invalid Idempotency-Key header is refused', async () => {
  const res = await post(validBody()).set('Idempotency-Key', 'short').expect(422);
  expect(res.body.error.details[0].field).toBe('Idempotency-Key');
  await expectNothingQueued();
});

test('the HTML form re-renders with Lao error messages and the entered values, nothing stored', async () => {
  const res = await request(p.app)
    .post('/feedback')
    .type('form')
    .send({
      centerCode: '',
      rating: '9',
      text: 'ຂ້ອຍລໍຖ້າດົນ',
      phone: '123',
      idempotencyKey: 'form-key-0001',
    })
    .expect(422);
  expect(res.text).toContain('lang="lo"');
  expect(res.text).toContain('ກະລຸນາເລືອກ ຫຼື ປ້ອນຂໍ້ມູນນີ້.'); // center required
  expect(res.text).toContain('ເບີໂທນີ້ບໍ່ຖືກຕ້ອງ'); // phone invalid
  expect(res.text).toContain('ຂ້ອຍລໍຖ້າດົນ'); // the comment is kept
  expect(res.text).toContain('aria-invalid="true"');
  await expectNothingQueued();
});

test('the HTML form still asks for consent when a phone is typed without the box ticked', async () => {
  const res = await request(p.app)
    .post('/feedback')
    .type('form')
    .send({
      centerCode: 'LA-VT',
      rating: '2',
      phone: '020 5555 1234',
      idempotencyKey: 'form-key-0002',
    })
    .expect(422);
  expect(res.text).toContain('ກະລຸນາໝາຍຍິນຍອມ'); // consent_required, in Lao
  const en = await request(p.app)
    .post('/feedback?lang=en')
    .type('form')
    .send({
      centerCode: 'LA-VT',
      rating: '2',
      phone: '020 5555 1234',
      idempotencyKey: 'form-key-0003',
    })
    .expect(422);
  expect(en.text).toContain('Tick the consent box to be contacted, or remove the number.');
  expect(en.text).toContain('020 5555 1234'); // the value is kept for the citizen to correct
  await expectNothingQueued();
});

test('unknown routes answer 404 in the error format', async () => {
  const res = await request(p.app).get('/api/v1/nothing-here').expect(404);
  expect(res.body.error.code).toBe('NOT_FOUND');
});
