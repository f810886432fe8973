/**
 * Abuse controls (docs/security.md), on the real Redis, FerretDB, queue and worker: per-address
 * limits shared by two api instances (429 + Retry-After + Lao and English), held items stored and
 * shown to staff but in no official figure until released (once), kiosk pairing and device rules,
 * the thread cap, per-chat Telegram quota and unverified numbers.
 */
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../services/api/app';
import { createLogger } from '../shared/logger';
import { KioskDevices, PAIRING_CODE_LENGTH } from '../shared/kiosk-devices';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { auditModel } from '../shared/models/audit.model';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { HELD_BUCKET } from '../shared/models/rollup.model';
import { QueueIndex } from '../shared/staff/queue-index';
import { rollupDifferences } from '../workers/intake/rollup-recount';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, type StaffAgent } from './helpers/staff';

const HARD = 6;
const COUNTED = 3;
const THREAD_PARTS = 3;

let p: TestPlatform;
let admin: StaffAgent;
let twin: ReturnType<typeof createApp>;

beforeAll(async () => {
  p = await startTestPlatform('abuse', {
    worker: true,
    env: {
      RATE_WEB_PER_MIN: String(HARD),
      RATE_WEB_COUNTED_PER_HOUR: String(COUNTED),
      RATE_STATUS_PER_MIN: '4',
      RATE_PAIR_PER_HOUR: '3',
      TELEGRAM_COUNTED_PER_HOUR: '2',
      THREAD_MAX_PARTS: String(THREAD_PARTS),
    },
  });
  // A second api replica on the same Redis and database.
  twin = createApp({
    config: p.config,
    conn: p.conn,
    redis: p.redis,
    intakeQueue: p.queue,
    log: createLogger('test', 'silent'),
  });
  await makeUser(p, 'admin@abuse.la', 'admin');
  admin = await signIn(p.app, 'admin@abuse.la');
}, 60_000);
afterAll(async () => {
  await p.close();
});

let n = 0;
/** A fresh client address (the api trusts X-Forwarded-For from loopback, as behind its proxy). */
const address = () => `203.0.113.${++n}`;

const stored = (code: string) =>
  waitFor(() => p.Feedback.findById(code.replace('-', '')).lean<FeedbackDoc>(), `${code} stored`);

/** Everything the rollups count for a center (all days, all channels). */
async function rollupCount(center: string): Promise<number> {
  const rows = await p.Rollup.find({ centerCode: center }).lean();
  return rows.reduce((s, r) => s + r.count, 0);
}

function expectBilingual429(res: request.Response): void {
  expect(res.status).toBe(429);
  const wait = Number(res.headers['retry-after']);
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(3600);
  const body = res.type === 'application/json' ? res.body.error.message : res.text;
  expect(body).toMatch(/[\u0E80-\u0EFF]/); // Lao
  expect(body).toContain('Too many requests');
  if (res.type !== 'application/json') {
    expect(body.indexOf('ລໍຖ້າ')).toBeLessThan(body.indexOf('Please wait')); // Lao first
  } else {
    expect(res.body.error.code).toBe('RATE_LIMITED');
  }
}

test('one address through two api replicas: counted, then held, then 429 — the limit is shared', async () => {
  const ip = address();
  const center = 'LA-XS';
  const before = await rollupCount(center);
  const answers: request.Response[] = [];
  for (let i = 0; i < HARD + 2; i++) {
    // Alternate replicas: each sees only half, the shared counter sees all.
    const app = i % 2 ? twin : p.app;
    answers.push(
      await request(app)
        .post('/api/v1/feedback')
        .set('X-Forwarded-For', ip)
        .send({ centerCode: center, rating: 1 }),
    );
  }
  expect(answers.map((r) => r.status)).toEqual([...Array(HARD).fill(202), ...Array(2).fill(429)]);
  expectBilingual429(answers[HARD]!);
  const codes = answers.slice(0, HARD).map((r) => r.body.trackingCode as string);
  const docs = await Promise.all(codes.map(stored));
  // The first COUNTED count; the rest are stored, held, visible to staff.
  expect(docs.map((d) => !!d.held)).toEqual([
    ...Array(COUNTED).fill(false),
    ...Array(HARD - COUNTED).fill(true),
  ]);
  for (const d of docs.slice(COUNTED)) {
    expect(d.held!.reason).toBe('rate:web');
    expect(d.counted!.b).toBe(HELD_BUCKET);
    expect(d.staffStatus).toBe('new'); // a bare rating, yet in the queue for staff to look at
  }
  for (const c of codes) await p.counted(c);
  expect(await rollupCount(center)).toBe(before + COUNTED);
  // Another address is not affected.
  const other = await request(twin)
    .post('/api/v1/feedback')
    .set('X-Forwarded-For', address())
    .send({ centerCode: center, rating: 5 });
  expect(other.status).toBe(202);
  expect((await stored(other.body.trackingCode)).held).toBeUndefined();
});

test('the HTML form, status look-ups and kiosk pairing refuse with 429 in Lao and English', async () => {
  const ip = address();
  let form: request.Response | undefined;
  for (let i = 0; i <= HARD; i++) {
    form = await request(p.app)
      .post('/feedback')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ centerCode: 'LA-VT', rating: '3', idempotencyKey: randomUUID() });
  }
  expect(form!.type).toBe('text/html');
  expectBilingual429(form!);

  const ip2 = address();
  const looks = [];
  for (let i = 0; i < 5; i++)
    looks.push(await request(twin).get('/api/v1/status/K7M2Q-9XDR4').set('X-Forwarded-For', ip2));
  expect(looks.slice(0, 4).map((r) => r.status)).toEqual([404, 404, 404, 404]);
  expectBilingual429(looks[4]!);
  const page = await request(p.app).get('/status?code=K7M2Q-9XDR4').set('X-Forwarded-For', ip2);
  expect(page.type).toBe('text/html');
  expectBilingual429(page);

  const ip3 = address();
  const tries = [];
  for (let i = 0; i < 4; i++)
    tries.push(
      await request(i % 2 ? twin : p.app)
        .post('/api/v1/kiosk/pair')
        .set('X-Forwarded-For', ip3)
        .send({ pairingCode: 'ZZZZ-ZZZZ-ZZZZ' }),
    );
  expect(tries.map((r) => r.status)).toEqual([400, 400, 400, 429]);
  expectBilingual429(tries[3]!);
});

test('held items are listed for staff, in no figure, and count exactly once when released', async () => {
  const ip = address();
  const center = 'LA-BK';
  const codes: string[] = [];
  for (let i = 0; i < COUNTED + 2; i++) {
    const r = await request(p.app)
      .post('/api/v1/feedback')
      .set('X-Forwarded-For', ip)
      .send({ centerCode: center, rating: 2, text: `ລໍຖ້າດົນຫຼາຍ ${i} / waited too long` });
    codes.push(r.body.trackingCode);
  }
  for (const c of codes) await p.counted(c);
  const held = codes.slice(COUNTED).map((c) => c.replace('-', ''));
  const index = new QueueIndex(p.redis, p.config.queuePrefix);
  for (const c of held) await waitFor(() => index.get(c), `${c} indexed`);
  const list = await admin.agent.get(`/api/v1/feedback?held=true&center=${center}`);
  expect(list.status).toBe(200);
  expect(list.body.items.map((i: { trackingCode: string }) => i.trackingCode).sort()).toEqual(
    codes.slice(COUNTED).sort(),
  );
  expect(list.body.items.every((i: { held: boolean }) => i.held)).toBe(true);
  const notHeld = await admin.agent.get(`/api/v1/feedback?held=false&center=${center}`);
  expect(notHeld.body.items).toHaveLength(COUNTED);
  const item = await admin.agent.get(`/api/v1/feedback/${codes[COUNTED]}`);
  expect(item.body.hold).toMatchObject({ reason: 'rate:web' });
  // Complaints held are no cases either; the rollups count only what is not held.
  expect(await rollupCount(center)).toBe(COUNTED);
  const day = (await stored(codes[0]!)).day;
  expect(await rollupDifferences({ Feedback: p.Feedback, Rollup: p.Rollup }, [day])).toEqual([]);

  // Release: needs the CSRF token, counts once, audited; a second release is refused.
  const noCsrf = await admin.agent.post(`/api/v1/feedback/${codes[COUNTED]}/release`);
  expect(noCsrf.status).toBe(403);
  const rel = await admin.agent
    .post(`/api/v1/feedback/${codes[COUNTED]}/release`)
    .set('X-CSRF-Token', admin.csrf);
  expect(rel.status).toBe(200);
  expect(rel.body.hold).toBeNull();
  expect(rel.body.held).toBe(false);
  const again = await admin.agent
    .post(`/api/v1/feedback/${codes[COUNTED]}/release`)
    .set('X-CSRF-Token', admin.csrf);
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('NOT_HELD');
  expect(await rollupCount(center)).toBe(COUNTED + 1);
  expect(await rollupDifferences({ Feedback: p.Feedback, Rollup: p.Rollup }, [day])).toEqual([]);
  const doc = await p.counted(codes[COUNTED]!);
  expect(doc.held).toBeUndefined();
  expect(doc.counted!.v).toBe(2);
  const audit = await auditModel(p.conn).find({ action: 'release_hold' }).lean();
  expect(audit.map((a) => a.target)).toEqual([held[0]]);
  expect(audit[0]!.details).toEqual({ reason: 'rate:web' });
  const left = await admin.agent.get(`/api/v1/feedback?held=true&center=${center}`);
  expect(left.body.items).toHaveLength(1);
});

test('many held items are released at once: each counts once, one already counted is refused, the held counts follow', async () => {
  const ip = address();
  const center = 'LA-AT';
  const codes: string[] = [];
  for (let i = 0; i < COUNTED + 3; i++) {
    const r = await request(p.app)
      .post('/api/v1/feedback')
      .set('X-Forwarded-For', ip)
      .send({
        centerCode: center,
        rating: 4,
        text: `ບໍລິການດີ ${i} / good service`,
        contact: { phone: `020 5555 770${i}`, consentToContact: true },
      });
    codes.push(r.body.trackingCode);
  }
  for (const c of codes) await p.counted(c);
  const index = new QueueIndex(p.redis, p.config.queuePrefix);
  for (const c of codes) await waitFor(() => index.get(c.replace('-', '')), `${c} indexed`);
  const heldDocs = async () =>
    (await p.Feedback.find({}, { held: 1 }).lean()).filter((d) => d.held).length;
  // Under a filter the count reads the entries; without one it reads the held set's size.
  const filtered = await admin.agent.get(`/api/v1/feedback/counts?center=${center}`);
  expect(filtered.body.held).toBe(3);
  const all = await admin.agent.get('/api/v1/feedback/counts');
  expect(all.body.held).toBe(await heldDocs());
  expect(await rollupCount(center)).toBe(COUNTED);

  const batch = [...codes.slice(COUNTED), codes[0]!];
  const noCsrf = await admin.agent.post('/api/v1/feedback/release').send({ trackingCodes: batch });
  expect(noCsrf.status).toBe(403);
  const tooMany = await admin.agent
    .post('/api/v1/feedback/release')
    .set('X-CSRF-Token', admin.csrf)
    .send({ trackingCodes: Array.from({ length: 201 }, () => codes[0]) });
  expect(tooMany.status).toBe(422);
  const rel = await admin.agent
    .post('/api/v1/feedback/release')
    .set('X-CSRF-Token', admin.csrf)
    .send({ trackingCodes: batch });
  expect(rel.status).toBe(200);
  expect(rel.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, true, false]);
  expect(rel.body.results[3].error.code).toBe('NOT_HELD');
  expect(await rollupCount(center)).toBe(COUNTED + 3);
  const day = (await stored(codes[0]!)).day;
  expect(await rollupDifferences({ Feedback: p.Feedback, Rollup: p.Rollup }, [day])).toEqual([]);
  const ids = batch.map((c) => c.replace('-', ''));
  const audit = (await auditModel(p.conn).find({ action: 'release_hold' }).lean()).filter((a) =>
    ids.includes(String(a.target)),
  );
  expect(audit.map((a) => a.target).sort()).toEqual(ids.slice(0, 3).sort());
  // The batch answers only ok or not: no item view was built, so no number was shown or audited
  // as seen (one item opened afterwards is, which shows this role sees numbers).
  const viewed = async () =>
    (await auditModel(p.conn).find({ action: 'view_contact' }).lean())
      .map((a) => String(a.target))
      .filter((t) => ids.includes(t));
  expect(await viewed()).toEqual([]);
  expect((await admin.agent.get(`/api/v1/feedback/${batch[0]}`)).body.contact.value).toBe(
    `+856205555770${COUNTED}`,
  );
  expect(await viewed()).toEqual([ids[0]]);
  expect((await admin.agent.get(`/api/v1/feedback/counts?center=${center}`)).body.held).toBe(0);
  expect((await admin.agent.get('/api/v1/feedback/counts')).body.held).toBe(await heldDocs());
  // A second batch changes nothing: every item says it is not held.
  const again = await admin.agent
    .post('/api/v1/feedback/release')
    .set('X-CSRF-Token', admin.csrf)
    .send({ trackingCodes: batch.slice(0, 3) });
  expect(again.body.results.map((r: { error?: { code: string } }) => r.error?.code)).toEqual([
    'NOT_HELD',
    'NOT_HELD',
    'NOT_HELD',
  ]);
  expect(await rollupCount(center)).toBe(COUNTED + 3);
});

test('kiosk pairing: 60-bit codes, revocation cancels unused codes, a leftover code cannot un-revoke', async () => {
  expect(PAIRING_CODE_LENGTH).toBe(12);
  expect(p.config.kiosk.pairingTtlS).toBe(24 * 3600);
  const devices = new KioskDevices(
    kioskDeviceModel(p.conn),
    p.redis,
    p.config.queuePrefix,
    p.config.kiosk.pairingTtlS,
  );
  const { deviceId, code } = await devices.create('LA-VT');
  const spare = await devices.issueCode(deviceId);
  const ttl = await p.redis.keys(`${p.config.queuePrefix}:kiosk:pairing:*`);
  expect(ttl.length).toBeGreaterThanOrEqual(2);
  const first = await request(p.app)
    .post('/api/v1/kiosk/pair')
    .set('X-Forwarded-For', address())
    .send({ pairingCode: code });
  expect(first.status).toBe(200);
  expect(await devices.revoke(deviceId)).toBe(true);
  // The spare code was issued before the revocation: it is gone, and could not undo it anyway.
  const leftover = await request(p.app)
    .post('/api/v1/kiosk/pair')
    .set('X-Forwarded-For', address())
    .send({ pairingCode: spare });
  expect(leftover.status).toBe(400);
  expect(await devices.pair(spare)).toBeNull();
  // A code put back by hand from before the revocation (a copy, a restore) still cannot.
  await p.redis.set(
    `${p.config.queuePrefix}:kiosk:pairing:${createHash('sha256').update(spare).digest('hex')}`,
    `${deviceId}|${Date.now() - 60_000}`,
  );
  expect(await devices.pair(spare)).toBeNull();
  expect((await kioskDeviceModel(p.conn).findById(deviceId).lean())!.revokedAt).toBeDefined();
  // A code issued after the revocation pairs it again (the admin's decision).
  const fresh = await devices.issueCode(deviceId);
  expect(await devices.pair(fresh)).not.toBeNull();
});

test('a kiosk may backdate only to its last sync, and presses closer than its gap are held', async () => {
  const devices = new KioskDevices(kioskDeviceModel(p.conn), p.redis, p.config.queuePrefix, 3600);
  const { code } = await devices.create('LA-LP');
  const paired = await request(p.app)
    .post('/api/v1/kiosk/pair')
    .set('X-Forwarded-For', address())
    .send({ pairingCode: code });
  const token = paired.body.deviceToken as string;
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const responses = [
    { id: randomUUID(), rating: 5, createdAt: at(30 * 86_400_000) }, // before the device existed
    { id: randomUUID(), rating: 4, createdAt: at(60_000) },
    { id: randomUUID(), rating: 4, createdAt: at(59_000) }, // 1 s after the previous: too close
    { id: randomUUID(), rating: 1, createdAt: at(50_000) }, // 10 s later: fine
  ];
  const res = await request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${token}`)
    .send({ responses });
  expect(res.status).toBe(200);
  expect(res.body.accepted).toHaveLength(4); // nothing refused: the tablet would only resend it
  const docs = await Promise.all(
    responses.map((r) => p.counted(p.codes.derive('kiosk', r.id.toLowerCase()))),
  );
  expect(docs.map((d) => d.held?.reason ?? null)).toEqual([
    'kiosk:backdated',
    null,
    'kiosk:gap',
    null,
  ]);
  // Sent again (the tablet never heard the answer): the same verdicts, stored once.
  const again = await request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${token}`)
    .send({ responses });
  expect(again.body.accepted).toHaveLength(4);
  await waitFor(
    async () => (await p.queue.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
    'queue drained',
  );
  const deviceId = paired.body.deviceId as string;
  expect(await p.Feedback.countDocuments({ channel: 'kiosk', 'meta.deviceId': deviceId })).toBe(4);
});

/** Queues an envelope as an adapter would (a worker stores it). */
async function enqueue(env: Record<string, unknown>): Promise<string> {
  const code = p.codes.derive(env.channel as never, env.externalId as string);
  await p.queue.add(
    env.channel as never,
    { v: 1, receivedAt: new Date().toISOString(), meta: {}, trackingCode: code, ...env } as never,
    {
      jobId: `t-${randomUUID()}`,
    },
  );
  return code;
}

test('a thread grows to THREAD_MAX_PARTS pieces; the next piece is feedback of its own', async () => {
  const sender = {
    kind: 'phone',
    id: p.vault.encrypt('+8562055550001', 'phone'),
    consentToContact: true,
  };
  const first = await enqueue({
    channel: 'sms',
    externalId: `SM${'1'.repeat(32)}`,
    sender,
    text: 'ລໍຖ້າດົນ part 0',
  });
  await p.counted(first);
  const more: string[] = [];
  for (let i = 1; i <= THREAD_PARTS; i++) {
    more.push(
      await enqueue({
        channel: 'sms',
        externalId: `SM${'a'.repeat(31)}${i}`,
        sender,
        text: `part ${i}`,
        meta: { appendTo: first },
      }),
    );
    await waitFor(async () => {
      const d = await p.Feedback.findById(first).lean<FeedbackDoc>();
      const own = await p.Feedback.findById(more[i - 1]).lean();
      return (d?.parts?.length ?? 0) >= i || own ? true : null;
    }, `part ${i} handled`);
  }
  const doc = (await p.Feedback.findById(first).lean<FeedbackDoc>())!;
  expect(doc.parts).toHaveLength(THREAD_PARTS - 1);
  expect(doc.text!.raw).not.toContain(`part ${THREAD_PARTS}`);
  const own = await p.counted(more[THREAD_PARTS - 1]!);
  expect(own.text!.raw).toBe(`part ${THREAD_PARTS}`);
});

test('one Telegram chat: feedback beyond its hourly allowance is held, other chats unaffected', async () => {
  const chat = (id: string) => ({
    kind: 'telegram',
    id: p.vault.encrypt(id, 'telegram'),
    consentToContact: false,
  });
  const codes: string[] = [];
  for (let i = 0; i < 4; i++)
    codes.push(
      await enqueue({
        channel: 'telegram',
        externalId: `tg.${randomUUID()}`,
        sender: chat('777001'),
        centerCode: 'LA-VT',
        rating: 1,
      }),
    );
  const other = await enqueue({
    channel: 'telegram',
    externalId: `tg.${randomUUID()}`,
    sender: chat('777002'),
    centerCode: 'LA-VT',
    rating: 1,
  });
  const docs: FeedbackDoc[] = [];
  for (const c of codes) docs.push(await p.counted(c));
  expect(docs.filter((d) => d.held?.reason === 'rate:telegram')).toHaveLength(2);
  expect((await p.counted(other)).held).toBeUndefined();
});

test('a number typed into the web form is unverified and never merged with one that texted us', async () => {
  const r = await request(p.app)
    .post('/api/v1/feedback')
    .set('X-Forwarded-For', address())
    .send({
      centerCode: 'LA-VT',
      text: 'ກະລຸນາໂທຫາຂ້ອຍ',
      contact: { phone: '020 5555 0001', consentToContact: true },
    });
  expect(r.status).toBe(202);
  const doc = await p.counted(r.body.trackingCode);
  expect(doc.sender.verified).toBe(false);
  expect(doc.sender.idHash).not.toBe(p.vault.hash('phone:+8562055550001'));
  expect(doc.sender.idHash).toBe(p.vault.hash('unverified-phone:+8562055550001'));
  const sms = await p.Feedback.findOne({ channel: 'sms' }).lean<FeedbackDoc>();
  expect(sms!.sender.idHash).toBe(p.vault.hash('phone:+8562055550001'));
  expect(sms!.sender.verified).toBeUndefined();
  const item = await admin.agent.get(`/api/v1/feedback/${r.body.trackingCode}`);
  expect(item.body.contactVerified).toBe(false);
});
