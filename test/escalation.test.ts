/**
 * Deadlines and escalation with a fake clock: a complaint's due date in working days (per service),
 * the overdue filter, and the sweep's three tiers — assignee, the center's managers, the taskforce —
 * each once, with in-app notices and a Telegram message for staff who linked a chat; closed items
 * leave the queue index after the keep period.
 */
import request from 'supertest';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { createNotifyQueue } from '../shared/notify';
import { Deadlines } from '../shared/staff/deadlines';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry } from '../shared/staff/queue-query';
import { parseTrackingCode } from '../shared/tracking-code';
import { sweep, type EscalationDeps } from '../workers/staff/escalation';
import { escalationDeps } from '../workers/staff/staff-jobs.worker';
import { startTestPlatform, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, submit, type StaffAgent } from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const H = 3_600_000;
let p: TestPlatform;
let deps: EscalationDeps;
let tf: StaffAgent;
let ids: { tf: string; admin: string; mgr: string; other: string; officer: string };

beforeAll(async () => {
  p = await startTestPlatform('escalation', {
    worker: true,
    env: {
      SLA_DAYS_BY_SERVICE: 'land_registration=3',
      COMPLAINT_SLA_DAYS: '10',
      ESCALATE_MANAGER_AFTER_H: '24',
      ESCALATE_TASKFORCE_AFTER_H: '72',
      QUEUE_KEEP_CLOSED_DAYS: '30',
    },
  });
  ids = {
    tf: await makeUser(p, 'tf@odsc.gov.la', 'taskforce'),
    admin: await makeUser(p, 'admin@odsc.gov.la', 'admin'),
    mgr: await makeUser(p, 'mgr@odsc.gov.la', 'center_manager', [A]),
    other: await makeUser(p, 'other@odsc.gov.la', 'center_manager', ['LA-LP']),
    officer: await makeUser(p, 'officer@odsc.gov.la', 'center_manager', [A]),
  };
  await staffUserModel(p.conn).updateOne({ _id: ids.mgr }, { $set: { telegramChatId: '4242' } });
  deps = escalationDeps(p.config, p.conn, p.redis, {
    queue: createNotifyQueue(p.config, p.redis),
    vault: p.vault,
  });
  tf = await signIn(p.app, 'tf@odsc.gov.la');
}, 60_000);

afterAll(() => p.close());

const complaint = (serviceCode: string) =>
  submit(p, { centerCode: A, serviceCode, rating: 1, text: 'ລໍຖ້າດົນຫຼາຍ ບໍ່ພໍໃຈ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ' });

test('a complaint is due in working days, per service, on the Lao calendar', async () => {
  const land = await complaint('land_registration');
  const family = await complaint('family_book');
  const d = Deadlines.fromConfig(p.config);
  for (const [code, days] of [
    [land, 3],
    [family, 10],
  ] as const) {
    const doc = (await p.Feedback.findById(parseTrackingCode(code)).lean())!;
    expect(doc.kind.code).toBe('complaint');
    const due = new Date(doc.slaDueAt!);
    expect(due.getTime()).toBe(d.calendar.addWorkingDays(doc.receivedAt, days).getTime());
    expect(d.calendar.workingDaysBetween(doc.receivedAt, due)).toBe(days);
    expect(due.toISOString()).toMatch(/T16:59:59\.999Z$/); // the end of a Vientiane day
  }
  const praise = await submit(p, { centerCode: A, rating: 5, text: 'ບໍລິການດີຫຼາຍ ຂອບໃຈ' });
  expect((await p.Feedback.findById(parseTrackingCode(praise)).lean())!.slaDueAt).toBeUndefined();
});

test('three tiers, each once: assignee, then the managers (Telegram where linked), then the taskforce', async () => {
  const code = await complaint('land_registration');
  const id = parseTrackingCode(code)!;
  await tf.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ assigneeId: ids.officer, status: 'in_progress' })
    .expect(200);
  const due = new Date((await p.Feedback.findById(id).lean())!.slaDueAt!).getTime();
  const mine = (r: Awaited<ReturnType<typeof sweep>>) =>
    r.escalated.filter((e) => e.trackingCode === id);

  expect(mine(await sweep(deps, due - H))).toEqual([]);
  expect(mine(await sweep(deps, due + 60_000))).toEqual([
    { trackingCode: id, tier: 1, to: ['officer@odsc.gov.la'] },
  ]);
  expect(mine(await sweep(deps, due + 2 * H))).toEqual([]); // once per tier
  expect(mine(await sweep(deps, due + 25 * H))).toEqual([
    {
      trackingCode: id,
      tier: 2,
      to: expect.arrayContaining(['mgr@odsc.gov.la', 'officer@odsc.gov.la']),
    },
  ]);
  const t3 = mine(await sweep(deps, due + 73 * H));
  expect(t3).toHaveLength(1);
  expect(t3[0]!.tier).toBe(3);
  expect([...t3[0]!.to].sort()).toEqual(['admin@odsc.gov.la', 'tf@odsc.gov.la']);

  const doc = (await p.Feedback.findById(id).lean())!;
  expect(doc.escalationTier).toBe(3);
  expect(doc.history!.filter((h) => h.action === 'escalate').map((h) => h.to)).toEqual([1, 2, 3]);
  const officer = (await deps.notices.list(ids.officer)).items.filter(
    (n) => n.trackingCode === code,
  );
  expect(officer.map((n) => n.tier)).toEqual([2, 1]);
  expect(officer[0]).toMatchObject({ kind: 'overdue', centerCode: A });
  expect((await deps.notices.list(ids.other)).items).toEqual([]);
  const tg = (await outboundMessageModel(p.conn).find({ channel: 'telegram' }).lean()).filter((m) =>
    m.body.includes(code),
  );
  expect(tg).toHaveLength(1); // the manager, at tier 2 only
  expect(tg[0]!.toHash).toBe(p.vault.hash('telegram:4242'));

  // The notices screen reads them; reading marks them read.
  const admin = await signIn(p.app, 'admin@odsc.gov.la');
  const list = await admin.agent.get('/api/v1/notices');
  expect(list.body.unread).toBeGreaterThanOrEqual(1);
  expect(list.body.items.map((n: { trackingCode: string }) => n.trackingCode)).toContain(code);
  await admin.agent.post('/api/v1/notices/read').set('X-CSRF-Token', admin.csrf).expect(204);
  expect((await admin.agent.get('/api/v1/notices')).body.unread).toBe(0);
});

test('the overdue filter and a resolved item leaving the index after the keep period', async () => {
  const code = await complaint('family_book');
  const id = parseTrackingCode(code)!;
  const index = new QueueIndex(p.redis, p.config.queuePrefix);
  // Its due time moved into the past, as time would have done.
  await p.Feedback.updateOne({ _id: id }, { $set: { slaDueAt: new Date(Date.now() - H) } });
  await index.put(queueEntry((await p.Feedback.findById(id).lean())!));
  const overdue = await tf.agent.get('/api/v1/feedback').query({ overdue: 'true' });
  expect(overdue.body.items.map((i: { trackingCode: string }) => i.trackingCode)).toContain(code);
  expect(overdue.body.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
  const counts = await tf.agent.get('/api/v1/feedback/counts');
  expect(counts.body.overdue).toBeGreaterThanOrEqual(1);

  await tf.agent
    .patch(`/api/v1/feedback/${code}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ status: 'resolved', resolutionNote: 'Fixed at the counter.' })
    .expect(200);
  expect(
    (await tf.agent.get('/api/v1/feedback').query({ overdue: 'true' })).body.items.map(
      (i: { trackingCode: string }) => i.trackingCode,
    ),
  ).not.toContain(code);
  await sweep(deps, Date.now() + 29 * 24 * H);
  expect(await index.get(id)).not.toBeNull();
  const r = await sweep(deps, Date.now() + 31 * 24 * H);
  expect(r.pruned).toBeGreaterThanOrEqual(1);
  expect(await index.get(id)).toBeNull();
  // Still there for anyone with the code, and for the citizen.
  expect((await tf.agent.get(`/api/v1/feedback/${code}`)).body.status).toBe('resolved');
  expect((await request(p.app).get(`/api/v1/status/${code}`)).body.status).toBe('resolved');
});
