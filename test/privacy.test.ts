/**
 * Personal data (issue 13): a citizen's data erased on request by number (admin action, audited)
 * and by tracking code (`npm run erase` from dist/, audited); the retention sweep; the feedback,
 * its text and every rollup stay as they were. Real api, worker, Redis and database.
 */
import type { Queue } from 'bullmq';
import { auditModel } from '../shared/models/audit.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { createNotifyQueue } from '../shared/notify';
import { eraseExpired, type ErasureDeps } from '../shared/privacy/erasure';
import { telegramOwnerKey } from '../shared/telegram-keys';
import { parseTrackingCode } from '../shared/tracking-code';
import { runScript, startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, submit } from './helpers/staff';

let p: TestPlatform;
let notifyQueue: Queue;
let deps: ErasureDeps;

beforeAll(async () => {
  p = await startTestPlatform('privacy', { worker: true });
  notifyQueue = createNotifyQueue(p.config, p.workerRedis);
  deps = {
    conn: p.conn,
    redis: p.redis,
    vault: p.vault,
    queuePrefix: p.config.queuePrefix,
    queues: [p.queue, notifyQueue],
  };
  await makeUser(p, 'admin@privacy.test', 'admin');
  await makeUser(p, 'analyst@privacy.test', 'analyst');
});
afterAll(async () => {
  await notifyQueue.close();
  await p.close();
});

const PHONE = '+8562055557734';
const OTHER = '+8562055550011';
const body = (text: string, phone?: string) => ({
  centerCode: 'LA-VT-XAYSETHA',
  serviceCode: 'land_registration',
  rating: 2,
  text,
  ...(phone ? { contact: { phone, consentToContact: true } } : {}),
});

/** What must survive an erasure: the feedback's words and figures, and every rollup. */
async function figures() {
  const rollups = await p.Rollup.find({}).lean();
  return JSON.stringify(
    rollups
      .map((r) => ({ ...r, updatedAt: undefined }))
      .sort((a, b) => String(a._id).localeCompare(String(b._id))),
  );
}

/** A dead-lettered intake job that carries the number sealed (it fails validation: rating 9). */
async function deadLetterNaming(phone: string): Promise<string> {
  const job = await p.queue.add('web', {
    v: 1,
    channel: 'web',
    externalId: `dead-${phone}-${Date.now()}`,
    receivedAt: new Date().toISOString(),
    sender: { kind: 'phone', id: p.vault.encrypt(phone, 'phone'), consentToContact: true },
    rating: 9,
    meta: {},
  } as never);
  await waitFor(async () => ((await job.getState()) === 'failed' ? true : null), 'job failed');
  return String(job.id);
}

test('erasure by number (admin action): numbers, hashes, consent, contact records and dead letters go; text and figures stay; audited without the number', async () => {
  const mine = [
    await submit(p, body('ລໍຖ້າດົນ', '020 5555 7734')),
    await submit(p, body('ຄ່າທຳນຽມແພງ', PHONE)),
  ];
  const theirs = await submit(p, body('ພະນັກງານດີ', OTHER));
  const deadId = await deadLetterNaming(PHONE);
  const hash = p.vault.hash(`phone:${PHONE}`);
  await smsContactModel(p.conn).create({ _id: hash, optedOut: false, updatedAt: new Date() });
  const before = await figures();

  const analyst = await signIn(p.app, 'analyst@privacy.test');
  const denied = await analyst.agent
    .post('/api/v1/privacy/erasures')
    .set('X-CSRF-Token', analyst.csrf)
    .send({ phone: PHONE });
  expect(denied.status).toBe(403);
  const admin = await signIn(p.app, 'admin@privacy.test');
  const bad = await admin.agent
    .post('/api/v1/privacy/erasures')
    .set('X-CSRF-Token', admin.csrf)
    .send({ phone: PHONE, trackingCode: mine[0] });
  expect(bad.status).toBe(422);
  const res = await admin.agent
    .post('/api/v1/privacy/erasures')
    .set('X-CSRF-Token', admin.csrf)
    .send({ phone: '020 5555 7734' });
  expect(res.status).toBe(200);
  expect(res.body.erased).toMatchObject({ feedback: 2, contacts: 1, jobs: 1 });

  for (const code of mine) {
    const doc = (await p.Feedback.findById(parseTrackingCode(code)).lean())!;
    expect(doc.sender.idSealed).toBeUndefined();
    expect(doc.sender.idHash).toBeUndefined();
    expect(doc.sender.consentToContact).toBe(false);
    expect(doc.text?.raw).toBeTruthy();
    expect(doc.rating).toBe(2);
    expect(JSON.stringify(doc)).not.toContain('55557734');
  }
  const other = (await p.Feedback.findById(parseTrackingCode(theirs)).lean())!;
  expect(p.vault.decrypt(other.sender.idSealed!)).toBe(OTHER);
  expect(await figures()).toBe(before);
  expect(await p.queue.getJob(deadId)).toBeUndefined();
  expect(await smsContactModel(p.conn).findById(hash).lean()).toBeNull();

  const audit = await auditModel(p.conn).find({ action: 'erase' }).lean();
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ target: 'phone:…34', actorEmail: 'admin@privacy.test' });
  expect(JSON.stringify(audit)).not.toContain('5555773');

  // Staff see the item without a contact now.
  const item = await admin.agent.get(`/api/v1/feedback/${parseTrackingCode(mine[1]!)}`);
  expect(item.status).toBe(200);
  expect(item.body.contact ?? null).toBeNull();
});

test("npm run erase -- --code (from dist/): all of the sender's data goes, audited with the operator", async () => {
  const code = parseTrackingCode(await submit(p, body('ບໍ່ມີບ່ອນຈອດລົດ', '+8562055550099')))!;
  await p.redis.set(telegramOwnerKey(p.config.queuePrefix, code), 'x', 'EX', 60);
  const before = await figures();
  const { stdout } = await runScript(p, 'erase', [
    '--code',
    code.toLowerCase(),
    '--operator',
    'duty-officer',
  ]);
  expect(stdout).toMatch(/erased: 1 feedback/);
  const doc = (await p.Feedback.findById(code).lean())!;
  expect(doc.sender.idSealed).toBeUndefined();
  expect(doc.text?.raw).toBe('ບໍ່ມີບ່ອນຈອດລົດ');
  expect(await p.redis.get(telegramOwnerKey(p.config.queuePrefix, code))).toBeNull();
  expect(await figures()).toBe(before);
  const entry = await auditModel(p.conn)
    .findOne({ target: `feedback:${code}` })
    .lean();
  expect(entry).toMatchObject({ action: 'erase', actorId: null });
  expect(entry?.details).toMatchObject({
    by: 'npm run erase',
    operator: 'duty-officer',
    feedback: 1,
  });

  // Usage errors exit 2 and erase nothing.
  await expect(runScript(p, 'erase')).rejects.toMatchObject({ code: 2 });
});

test('retention: feedback older than PII_RETENTION_DAYS loses its personal data, younger keeps it, 0 keeps all; figures stay', async () => {
  const code = parseTrackingCode(await submit(p, body('ເອກະສານຫຼາຍ', '+8562055550123')))!;
  const before = await figures();
  expect(await eraseExpired(deps, 0, Date.now() + 1000 * 86_400_000)).toMatchObject({
    feedback: 0,
  });
  expect(await eraseExpired(deps, 365)).toMatchObject({ feedback: 0 }); // received today
  expect((await p.Feedback.findById(code).lean())!.sender.idSealed).toBeTruthy();

  // A year and a day later: every document that still held personal data is erased.
  const later = Date.now() + 366 * 86_400_000;
  const r = await eraseExpired(deps, 365, later);
  expect(r.feedback).toBeGreaterThanOrEqual(2); // this one and the other citizen's from above
  const all = await p.Feedback.find({}).lean();
  for (const d of all) {
    expect(d.sender.idSealed).toBeUndefined();
    expect(d.sender.idHash).toBeUndefined();
  }
  expect((await p.Feedback.findById(code).lean())!.text?.raw).toBe('ເອກະສານຫຼາຍ');
  expect(await figures()).toBe(before);
  expect(config()).toBe(365);
});

const config = () => p.config.piiRetentionDays;
