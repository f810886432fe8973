/**
 * Alerts and kiosk health on the real servers: the default rules fire on a center whose
 * satisfaction fell, on a topic whose complaints jumped and on a silent tablet; each alert opens
 * once (one notice per person concerned, never again while it stays open) and closes when the
 * figure recovers; rules are edited by admins only, checked and audited; a center manager sees
 * their centers' alerts and tablets only.
 */
import request from 'supertest';
import { IntakeProducer } from '../services/api/intake-producer';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { auditModel } from '../shared/models/audit.model';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { alertModel } from '../shared/reports/alerts';
import { reportDaysFor } from '../shared/reports/report-days';
import { RedisLock } from '../shared/redis-lock';
import { Deadlines } from '../shared/staff/deadlines';
import { NoticeBoard } from '../shared/staff/notices';
import { alertsDeps, evaluateAlerts } from '../workers/staff/alerts.job';
import type { TestPlatform } from './helpers/platform';
import { makeUser, signIn, startStaffPlatform, type StaffAgent } from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const HOUR = 3_600_000;

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let admin: StaffAgent;
let tf: StaffAgent;
let mgrA: StaffAgent;
let mgrB: StaffAgent;
let ids: Record<string, string>;
let producer: IntakeProducer;
let n = 0;

/** Ratings (and complaint texts) received an hour ago, through the queue and the worker. */
async function feed(center: string, ratings: number[], extra: Partial<IntakeEnvelope> = {}) {
  const at = new Date(Date.now() - HOUR).toISOString();
  const codes: string[] = [];
  for (const rating of ratings)
    codes.push(
      await producer.enqueue({
        v: 1,
        channel: 'web',
        externalId: `alerts-${n++}`,
        receivedAt: at,
        sender: { kind: 'anonymous', consentToContact: false },
        meta: {},
        centerCode: center,
        rating,
        ...extra,
      }),
    );
  for (const c of codes) await p.counted(c);
  return codes;
}

const deps = () =>
  alertsDeps(
    p.conn,
    p.redis,
    p.config.queuePrefix,
    reportDaysFor(
      p.conn,
      p.redis,
      p.config.queuePrefix,
      Deadlines.fromConfig(p.config).calendar,
      new RedisLock(p.redis, p.config.queuePrefix),
    ),
  );

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('alerts'));
  ids = {
    admin: await makeUser(p, 'admin@odsc.gov.la', 'admin'),
    tf: await makeUser(p, 'tf@odsc.gov.la', 'taskforce'),
    mgrA: await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]),
    mgrB: await makeUser(p, 'mgr.b@odsc.gov.la', 'center_manager', [B]),
  };
  admin = await signIn(p.app, 'admin@odsc.gov.la');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  mgrA = await signIn(p.app, 'mgr.a@odsc.gov.la');
  mgrB = await signIn(p.app, 'mgr.b@odsc.gov.la');
  producer = new IntakeProducer(p.queue, p.redis, p.codes, p.config.queuePrefix);
}, 120_000);

afterAll(async () => {
  await closePlatform?.();
});

const noticesOf = async (userId: string) =>
  (await new NoticeBoard(p.redis, p.config.queuePrefix).list(userId)).items.filter(
    (x) => x.kind === 'alert',
  );

describe('satisfaction below the threshold', () => {
  test('opens once, tells the taskforce and the center’s managers only, and closes on recovery', async () => {
    // A: 10 rated, 3 satisfied (30 % < 60 %); B: 10 rated, all satisfied.
    await feed(A, [1, 2, 1, 2, 3, 1, 2, 4, 5, 4]);
    await feed(B, [5, 4, 5, 4, 5, 4, 5, 4, 5, 4]);
    const first = await evaluateAlerts(deps());
    expect(first.opened).toEqual([`default-satisfaction|${A}`]);
    const alert = await alertModel(p.conn).findById(`default-satisfaction|${A}`).lean();
    expect(alert).toMatchObject({ active: true, value: 0.3, threshold: 0.6, centerCode: A });

    for (const who of ['admin', 'tf', 'mgrA'])
      expect((await noticesOf(ids[who]!)).map((x) => x.subject)).toEqual([A]);
    expect(await noticesOf(ids.mgrB!)).toEqual([]);

    // Still firing: nobody is told again.
    const again = await evaluateAlerts(deps());
    expect(again.opened).toEqual([]);
    expect(await noticesOf(ids.tf!)).toHaveLength(1);

    // Recovered: 10 more at 5 → 13 of 20 satisfied (65 %).
    await feed(A, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    const recovered = await evaluateAlerts(deps());
    expect(recovered.closed).toEqual([`default-satisfaction|${A}`]);
    expect(await alertModel(p.conn).findById(`default-satisfaction|${A}`).lean()).toMatchObject({
      active: false,
    });
  });

  test('below the minimum of rated feedback nothing fires (no evidence)', async () => {
    await feed('LA-CH', [1, 1, 1, 1, 1, 1, 1, 1, 1]); // 9 < minRated 10
    const r = await evaluateAlerts(deps());
    expect(r.opened.filter((x) => x.includes('LA-CH'))).toEqual([]);
  });
});

describe('complaints on a topic up week on week', () => {
  test('five complaints on a topic that had none the week before fire the default rule', async () => {
    const codes = await feed(B, [1, 1, 1, 1, 1], {
      text: 'ເຈົ້າໜ້າທີ່ຂໍເງິນໃຕ້ໂຕະ',
      topicCodes: ['informal_payment'],
    });
    for (const c of codes)
      await tf.agent
        .patch(`/api/v1/feedback/${c}`)
        .set('X-CSRF-Token', tf.csrf)
        .send({ kind: 'complaint', topics: ['informal_payment'] })
        .expect(200);
    const r = await evaluateAlerts(deps());
    expect(r.opened).toContain('default-topic-up|informal_payment');
    const a = await alertModel(p.conn).findById('default-topic-up|informal_payment').lean();
    expect(a).toMatchObject({ active: true, value: 5, threshold: 50, centerCode: null });
    // A topic across centers is for the roles that see every center.
    expect((await noticesOf(ids.tf!)).map((x) => x.subject)).toContain('informal_payment');
    expect((await noticesOf(ids.mgrB!)).map((x) => x.subject)).not.toContain('informal_payment');
  });
});

describe('kiosk health', () => {
  beforeAll(async () => {
    const Device = kioskDeviceModel(p.conn);
    const now = Date.now();
    const beat = (at: number, online = true) => ({
      at: new Date(at),
      appVersion: '1.4.0',
      queued: 3,
      rejected: 1,
      misuse: 0,
      online,
      lastSyncAt: new Date(at),
    });
    await Device.create([
      {
        _id: 'kd_ONLINE0001',
        centerCode: A,
        pairedAt: new Date(now - 48 * HOUR),
        heartbeat: beat(now - 60_000),
      },
      {
        _id: 'kd_SILENT0001',
        centerCode: A,
        pairedAt: new Date(now - 72 * HOUR),
        heartbeat: beat(now - 30 * HOUR),
      },
      {
        _id: 'kd_REVOKED001',
        centerCode: B,
        pairedAt: new Date(now - 72 * HOUR),
        revokedAt: new Date(now - 40 * HOUR),
        heartbeat: beat(now - 50 * HOUR),
      },
      { _id: 'kd_NEVER00001', centerCode: B, pairedAt: new Date(now - 26 * HOUR) },
    ]);
  });

  test('every tablet with its last heartbeat, queued and rejected answers, version and state', async () => {
    const res = await tf.agent.get('/api/v1/kiosks').expect(200);
    const byId = Object.fromEntries((res.body.items as { id: string }[]).map((x) => [x.id, x]));
    expect(byId.kd_ONLINE0001).toMatchObject({
      state: 'online',
      appVersion: '1.4.0',
      queued: 3,
      rejected: 1,
      silentHours: 0,
    });
    expect(byId.kd_SILENT0001).toMatchObject({ state: 'silent', silentHours: 30 });
    expect(byId.kd_REVOKED001).toMatchObject({ state: 'revoked' });
    expect(byId.kd_NEVER00001).toMatchObject({ state: 'silent', lastHeartbeatAt: null });
    // A center manager sees their center's tablets only.
    const mine = await mgrB.agent.get('/api/v1/kiosks').expect(200);
    expect((mine.body.items as { id: string }[]).map((x) => x.id).sort()).toEqual([
      'kd_NEVER00001',
      'kd_REVOKED001',
    ]);
  });

  test('a tablet silent for a day opens an alert; a revoked one does not', async () => {
    const r = await evaluateAlerts(deps());
    expect(r.opened.filter((x) => x.startsWith('default-kiosk-silent')).sort()).toEqual([
      'default-kiosk-silent|kd_NEVER00001',
      'default-kiosk-silent|kd_SILENT0001',
    ]);
    const a = await mgrA.agent.get('/api/v1/alerts').expect(200);
    const subjects = (a.body.items as { subject: string }[]).map((x) => x.subject);
    expect(subjects).toContain('kd_SILENT0001');
    expect(subjects).not.toContain('kd_NEVER00001'); // center B's
    expect(subjects).not.toContain('informal_payment'); // across centers: not a manager's
    const all = await tf.agent.get('/api/v1/alerts').expect(200);
    expect((all.body.items as { subject: string }[]).map((x) => x.subject)).toEqual(
      expect.arrayContaining(['kd_SILENT0001', 'kd_NEVER00001', 'informal_payment']),
    );
  });
});

describe('rules', () => {
  test('admins add and change rules (audited); others may only read; bad rules are refused', async () => {
    const list = await tf.agent.get('/api/v1/alerts/rules').expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id).sort()).toEqual([
      'default-kiosk-silent',
      'default-satisfaction',
      'default-topic-up',
    ]);
    const body = {
      kind: 'satisfaction_below',
      params: { threshold: 0.9, days: 3, minRated: 5 },
      centers: [B],
    };
    await tf.agent.post('/api/v1/alerts/rules').set('X-CSRF-Token', tf.csrf).send(body).expect(403);
    const created = await admin.agent
      .post('/api/v1/alerts/rules')
      .set('X-CSRF-Token', admin.csrf)
      .send(body)
      .expect(201);
    // B's 10 ratings were 50 % at 5: below 90 %, so the new rule fires for B only.
    const r = await evaluateAlerts(deps());
    expect(r.opened).toEqual([`${created.body.id}|${B}`]);

    const wrong = await admin.agent
      .patch(`/api/v1/alerts/rules/${created.body.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ params: { hours: 5 } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0].field).toBe('params.hours');
    const bad = await admin.agent
      .post('/api/v1/alerts/rules')
      .set('X-CSRF-Token', admin.csrf)
      .send({ kind: 'satisfaction_below', params: { threshold: 60 } });
    expect(bad.status).toBe(422);

    await admin.agent
      .patch(`/api/v1/alerts/rules/${created.body.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ active: false })
      .expect(200);
    const off = await evaluateAlerts(deps());
    expect(off.closed).toEqual([`${created.body.id}|${B}`]);
    const audits = await auditModel(p.conn).find({ action: 'alert_rule' }).lean();
    expect(audits.map((x) => x.target)).toEqual([created.body.id, created.body.id]);
    expect((await request(p.app).get('/api/v1/alerts')).status).toBe(401);
  });
});
