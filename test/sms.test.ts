/**
 * The SMS channel: Twilio's webhook signed with the real twilio library, receipts in the sender's
 * language, keywords, duplicates, opt-out and the spam flag — through the real queue and worker.
 */
import request from 'supertest';
import twilio from 'twilio';
import { intakeJobId } from '../shared/intake-envelope.schema';
import { parseTrackingCode } from '../shared/tracking-code';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { queueIdle } from './helpers/quiet';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const PUBLIC = 'https://feedback.example.la';
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('sms', {
    worker: true,
    // Threading off here: each message is its own feedback (sms-thread.test.ts covers threads).
    env: {
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL: PUBLIC,
      SMS_SPAM_PER_HOUR: '3',
      SMS_THREAD_WINDOW_MIN: '0',
    },
  });
});
afterAll(async () => {
  await p.close();
});

let sid = 0;
const nextSid = () => `SM${(++sid).toString(16).padStart(32, '0')}`;

/** Posts a webhook exactly as Twilio would, signed for the public URL. */
function sms(
  params: Record<string, string>,
  opts: { signature?: string | null; path?: string } = {},
) {
  const path = opts.path ?? '/webhooks/sms/twilio';
  const body = {
    AccountSid: 'AC' + '0'.repeat(32),
    To: '+85621000000',
    NumSegments: '1',
    NumMedia: '0',
    ...params,
  };
  const sig =
    opts.signature === undefined
      ? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}${path}`, body)
      : opts.signature;
  const req = request(p.app).post(path).type('form');
  if (sig !== null) req.set('X-Twilio-Signature', sig);
  return req.send(body);
}

const replyOf = (xml: string) => /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? null;
const codeIn = (text: string) => /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1] ?? null;

test('a Lao message is enqueued, answered in Lao within one UCS-2 segment, and stored with the sealed number', async () => {
  const MessageSid = nextSid();
  const res = await sms({
    MessageSid,
    From: '+8562055551001',
    Body: 'ລໍຖ້າດົນຫຼາຍ ຢູ່ ຫ້ອງການ ໄຊເສດຖາ ເລື່ອງໃບຕາດິນ ໓ ອາທິດ',
  }).expect(200);
  expect(res.type).toBe('text/xml');
  const reply = replyOf(res.text)!;
  expect(reply).toMatch(/^ໄດ້ຮັບແລ້ວ/);
  expect(reply.length).toBeLessThanOrEqual(70);
  const code = codeIn(reply)!;
  const doc = await p.counted(code);
  expect(doc).toMatchObject({
    channel: 'sms',
    externalId: MessageSid,
    locale: 'lo',
    center: { code: 'LA-VT-XAYSETHA' },
    service: { code: 'land_registration' },
    sender: { kind: 'phone', consentToContact: true },
  });
  expect(doc.text?.normalized).toContain('3 ອາທິດ');
  expect(p.vault.decrypt(doc.sender.idSealed!)).toBe('+8562055551001');
});

test('an English message gets an English receipt; the same MessageSid twice gets the same receipt and one document', async () => {
  const MessageSid = nextSid();
  const params = {
    MessageSid,
    From: '+8562055551002',
    Body: 'xaythany staff asked 50000 kip extra for family book',
  };
  const a = replyOf((await sms(params).expect(200)).text)!;
  const b = replyOf((await sms(params).expect(200)).text)!;
  expect(a).toMatch(/^Thank you, received/);
  expect(b).toBe(a);
  await p.counted(codeIn(a)!);
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({ externalId: MessageSid })).toBe(1);
});

test('a forged, missing or misplaced signature is 403 and nothing is stored', async () => {
  const MessageSid = nextSid();
  await sms(
    { MessageSid, From: '+8562055551003', Body: 'forged' },
    { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
  ).expect(403);
  await sms({ MessageSid, From: '+8562055551003', Body: 'unsigned' }, { signature: null }).expect(
    403,
  );
  // Signed for another URL (e.g. the internal address instead of the public one).
  const body = { MessageSid, From: '+8562055551003', Body: 'wrong url' };
  const sig = twilio.getExpectedTwilioSignature(
    AUTH_TOKEN,
    'http://127.0.0.1:3000/webhooks/sms/twilio',
    body,
  );
  await request(p.app)
    .post('/webhooks/sms/twilio')
    .type('form')
    .set('X-Twilio-Signature', sig)
    .send(body)
    .expect(403);
  expect(await p.queue.getJob(intakeJobId('sms', MessageSid))).toBeUndefined();
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({ externalId: MessageSid })).toBe(0);
});

test('HELP and ຊ່ວຍ answer how to give feedback and store nothing', async () => {
  const before = await p.Feedback.countDocuments({});
  expect(
    replyOf((await sms({ MessageSid: nextSid(), From: '+8562055551004', Body: '  help ' })).text),
  ).toMatch(/^Text your feedback/);
  expect(
    replyOf((await sms({ MessageSid: nextSid(), From: '+8562055551004', Body: 'ຊ່ວຍ' })).text),
  ).toMatch(/^ສົ່ງຄຳຄິດເຫັນ/);
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({})).toBe(before);
});

test('STATUS answers only the number that sent the feedback', async () => {
  const reply = replyOf(
    (await sms({ MessageSid: nextSid(), From: '+8562055551005', Body: 'slow service at pakse' }))
      .text,
  )!;
  const code = codeIn(reply)!;
  await p.counted(code);
  const mine = replyOf(
    (
      await sms({
        MessageSid: nextSid(),
        From: '+8562055551005',
        Body: `status ${code.toLowerCase()}`,
      })
    ).text,
  );
  expect(mine).toBe(`Code ${code}: received`);
  const lao = replyOf(
    (await sms({ MessageSid: nextSid(), From: '020 5555 1005', Body: `ສະຖານະ ${code}` })).text,
  );
  expect(lao).toBe(`ລະຫັດ ${code}: ໄດ້ຮັບແລ້ວ`);
  const other = replyOf(
    (await sms({ MessageSid: nextSid(), From: '+8562055559999', Body: `STATUS ${code}` })).text,
  );
  expect(other).toMatch(/No feedback with code/);
});

test('STOP silences every reply until START; feedback is still kept; LAO/EN set the language', async () => {
  const From = '+8562055551006';
  expect(replyOf((await sms({ MessageSid: nextSid(), From, Body: 'STOP' })).text)).toMatch(
    /no more messages/,
  );
  const silent = await sms({
    MessageSid: nextSid(),
    From,
    Body: 'still waiting for my land title in pakse',
  }).expect(200);
  expect(replyOf(silent.text)).toBeNull();
  await waitFor(
    async () =>
      (await p.Feedback.countDocuments({
        'text.raw': 'still waiting for my land title in pakse',
      })) === 1,
    'opted-out feedback kept',
  );
  expect(replyOf((await sms({ MessageSid: nextSid(), From, Body: 'start' })).text)).toMatch(
    /resumed/,
  );
  expect(replyOf((await sms({ MessageSid: nextSid(), From, Body: 'LAO' })).text)).toBe(
    'ຈະຕອບເປັນພາສາລາວ',
  );
  // English text, Lao preference: the receipt is in Lao.
  expect(
    replyOf((await sms({ MessageSid: nextSid(), From, Body: 'good service thanks' })).text),
  ).toMatch(/^ໄດ້ຮັບແລ້ວ/);
  expect(replyOf((await sms({ MessageSid: nextSid(), From, Body: ' En ' })).text)).toBe(
    'We will reply in English',
  );
  // Mixed Lao and English: the English preference holds.
  expect(
    replyOf((await sms({ MessageSid: nextSid(), From, Body: 'odsc ຫຼວງພະບາງ very slow' })).text),
  ).toMatch(/^Thank you, received/);
  await sms({ MessageSid: nextSid(), From, Body: 'ລາວ' });
  // "stop" inside a sentence is feedback, not a command.
  expect(
    replyOf((await sms({ MessageSid: nextSid(), From, Body: 'stop the delays please' })).text),
  ).toMatch(/^ໄດ້ຮັບແລ້ວ/);
});

test('more than SMS_SPAM_PER_HOUR (3) messages from one number in a clock hour are kept but flagged as spam', async () => {
  const From = '+8562055551007';
  // The counter is per clock hour. Start at least a minute before the hour turns (waiting for the
  // turn if it is closer), so the five messages share one counter whatever time the suite runs.
  const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toNextHour < 60_000) await new Promise((r) => setTimeout(r, toNextHour + 1_000));
  const codes: string[] = [];
  for (let i = 0; i < 5; i++)
    codes.push(
      codeIn(replyOf((await sms({ MessageSid: nextSid(), From, Body: `message ${i}` })).text)!)!,
    );
  const docs = await Promise.all(codes.map((c) => p.counted(c)));
  expect(docs.map((d) => d.meta.spam === true)).toEqual([false, false, false, true, true]);
  expect(docs[4]!.needsTriage).toBe(true);
  // One counter holds all five, and it expires an hour after its first message (the TTL the
  // adapter sets), so the next hour starts from zero.
  const counters = await p.redis.keys(
    `${p.config.queuePrefix}:sms:rate:${p.vault.hash(`phone:${From}`)}:*`,
  );
  expect(counters).toHaveLength(1);
  expect(await p.redis.get(counters[0]!)).toBe('5');
  const ttl = await p.redis.ttl(counters[0]!);
  expect(ttl).toBeGreaterThan(3600 - 120);
  expect(ttl).toBeLessThanOrEqual(3600);
}, 120_000);

test('a body that is not a Twilio webhook is refused', async () => {
  const res = await sms({ MessageSid: 'nope', From: '+8562055551008', Body: 'x' }).expect(400);
  expect(res.body.error.code).toBe('BAD_REQUEST');
  expect(parseTrackingCode('nope')).toBeNull();
});

test('a short test SID such as SM123 is taken when signed; the signature is still required; other shapes are refused', async () => {
  const MessageSid = 'SM123';
  // Unsigned: refused before anything else, whatever the SID.
  await sms({ MessageSid, From: '+8562055551009', Body: 'short sid' }, { signature: null }).expect(
    403,
  );
  const res = await sms({ MessageSid, From: '+8562055551009', Body: 'short sid' }).expect(200);
  const doc = await p.counted(codeIn(replyOf(res.text)!)!);
  expect(doc).toMatchObject({ channel: 'sms', externalId: 'SM123' });
  // Two capital letters and 1–64 word characters, nothing else.
  for (const bad of ['sm123', 'SM', `SM${'a'.repeat(65)}`, 'SM-123', 'S1234'])
    expect(
      (await sms({ MessageSid: bad, From: '+8562055551009', Body: 'x' })).body.error?.code,
    ).toBe('BAD_REQUEST');
});
