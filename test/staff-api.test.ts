/**
 * The taskforce workspace's API on the real servers: accounts (the user:create CLI), sessions in
 * Redis, CSRF, lockout, every role's reach on every route, the review queue's filters, counts and
 * cursor, each action's effect on the citizen's status look-up, the rollups and the audit log, and
 * a staff reply delivered by the notify worker through a local stand-in for Twilio's REST API.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { rollupModel } from '../shared/models/rollup.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { parseTrackingCode } from '../shared/tracking-code';
import { FakeTwilio } from './helpers/fake-twilio';
import { outboundSettled, waitFor, type TestPlatform } from './helpers/platform';
import { rebuildQueueIndex } from '../scripts/queue-reindex';
import { QueueIndex } from '../shared/staff/queue-index';
import {
  makeUser,
  PASSWORD,
  signIn,
  startStaffPlatform,
  submit,
  type StaffAgent,
} from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const PHONE = '+8562055501234';

let p: TestPlatform;
let fake: FakeTwilio;
let closePlatform: () => Promise<void>;
let admin: StaffAgent;
let tf: StaffAgent;
let mgrA: StaffAgent;
let analyst: StaffAgent;
let mgrAId: string;
let tfId: string;
/** Tracking codes: a complaint with a phone at center A, one at B, a rating-only answer at A. */
let codeA: string;
let codeB: string;
let codeRating: string;

beforeAll(async () => {
  ({
    p,
    twilio: fake,
    close: closePlatform,
  } = await startStaffPlatform('staffapi', {
    LOGIN_MAX_FAILURES: '3',
    LOGIN_LOCKOUT_MIN: '2',
    STAFF_SESSION_IDLE_MIN: '20',
  }));
  await makeUser(p, 'admin@odsc.gov.la', 'admin');
  tfId = await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  mgrAId = await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]);
  await makeUser(p, 'analyst@odsc.gov.la', 'analyst');
  admin = await signIn(p.app, 'admin@odsc.gov.la');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  mgrA = await signIn(p.app, 'mgr.a@odsc.gov.la');
  analyst = await signIn(p.app, 'analyst@odsc.gov.la');
  codeA = await submit(p, {
    centerCode: A,
    serviceCode: 'land_registration',
    text: 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ',
    contact: { phone: '020 5550 1234', consentToContact: true },
  });
  codeB = await submit(p, { centerCode: B, text: 'Waited three hours at Luang Prabang' });
  codeRating = await submit(p, { centerCode: A, rating: 5, text: undefined });
}, 120_000);

afterAll(async () => {
  await closePlatform?.();
});

const codes = (res: request.Response) =>
  (res.body.items as { trackingCode: string }[]).map((i) => i.trackingCode);
const patch = (s: StaffAgent, code: string, body: object) =>
  s.agent.patch(`/api/v1/feedback/${code}`).set('X-CSRF-Token', s.csrf).send(body);

describe('accounts and sessions', () => {
  test('npm run user:create reads the password from standard input and prints the id', async () => {
    const script = path.resolve(__dirname, '..', 'dist/scripts/user-create.js');
    const child = spawn(
      process.execPath,
      [script, '--email', 'New.Manager@odsc.gov.la', '--role', 'center_manager', '--center', B],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          MONGO_URL: p.config.mongoUrl,
          PII_KEY: 'a'.repeat(64),
          DATA_DIR: p.config.dataDir,
        },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end('a long enough password\n');
    const code = await new Promise((r) => child.on('close', r));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const id = out.trim();
    const u = await staffUserModel(p.conn).findById(id).lean();
    expect(u).toMatchObject({
      email: 'new.manager@odsc.gov.la',
      role: 'center_manager',
      centers: [B],
    });
    expect(u!.passwordHash).toMatch(/^\$argon2id\$/);
    const s = await signIn(p.app, 'new.manager@odsc.gov.la', 'a long enough password');
    expect(s.user).toEqual({
      id,
      email: 'new.manager@odsc.gov.la',
      role: 'center_manager',
      centers: [B],
    });
  });

  test('the CLI refuses a short password and an unknown center, and creates nothing', async () => {
    const script = path.resolve(__dirname, '..', 'dist/scripts/user-create.js');
    const run = (args: string[], pw: string) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [script, ...args], {
          env: {
            ...process.env,
            NODE_ENV: 'test',
            MONGO_URL: p.config.mongoUrl,
            PII_KEY: 'a'.repeat(64),
            DATA_DIR: p.config.dataDir,
          },
        });
        let err = '';
        c.stderr.on('data', (d) => (err += d));
        c.stdin.end(pw + '\n');
        c.on('close', (code) => resolve({ code, err }));
      });
    const short = await run(['--email', 'x@odsc.gov.la', '--role', 'taskforce'], 'short');
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/at least 10 characters/);
    const unknown = await run(
      ['--email', 'y@odsc.gov.la', '--role', 'center_manager', '--center', 'LA-NOPE'],
      'long enough password',
    );
    expect(unknown.err).toMatch(/Unknown centers: LA-NOPE/);
    expect(await staffUserModel(p.conn).exists({ email: 'x@odsc.gov.la' })).toBeNull();
    expect(await staffUserModel(p.conn).exists({ email: 'y@odsc.gov.la' })).toBeNull();
  });

  test('login sets an httpOnly SameSite=Lax cookie; me answers the same body; wrong password is 401', async () => {
    const res = await request(p.app)
      .post('/api/v1/auth/login')
      .send({ email: 'TF@odsc.gov.la', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: tfId,
      email: 'tf@odsc.gov.la',
      role: 'taskforce',
      centers: [],
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/odsc\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const me = await tf.agent.get('/api/v1/auth/me');
    expect(me.body).toEqual({ user: tf.user, csrfToken: tf.csrf });
    const bad = await request(p.app)
      .post('/api/v1/auth/login')
      .send({ email: 'tf@odsc.gov.la', password: 'wrong password!' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  test('the session lives in Redis with the idle timeout as its TTL', async () => {
    const keys = await p.redis.keys(`${p.config.queuePrefix}:sess:*`);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const ttl = await p.redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(20 * 60 - 30);
    expect(ttl).toBeLessThanOrEqual(20 * 60);
  });

  test('no session is 401; a missing or wrong CSRF token is 403 and changes nothing', async () => {
    expect((await request(p.app).get('/api/v1/feedback')).status).toBe(401);
    const none = await tf.agent.patch(`/api/v1/feedback/${codeA}`).send({ status: 'triaged' });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('CSRF_FAILED');
    const wrong = await tf.agent
      .patch(`/api/v1/feedback/${codeA}`)
      .set('X-CSRF-Token', tf.csrf.slice(1) + 'x')
      .send({ status: 'triaged' });
    expect(wrong.status).toBe(403);
    expect((await tf.agent.get(`/api/v1/feedback/${codeA}`)).body.status).toBe('new');
  });

  test('after 3 failures the account is locked (429, Retry-After) even with the right password', async () => {
    await makeUser(p, 'locked@odsc.gov.la', 'taskforce');
    for (let i = 0; i < 3; i++) {
      const r = await request(p.app)
        .post('/api/v1/auth/login')
        .send({ email: 'locked@odsc.gov.la', password: `guess number ${i}` });
      expect(r.status).toBe(401);
    }
    const locked = await request(p.app)
      .post('/api/v1/auth/login')
      .send({ email: 'locked@odsc.gov.la', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    const retry = Number(locked.headers['retry-after']);
    expect(retry).toBeGreaterThan(60);
    expect(retry).toBeLessThanOrEqual(120);
    // Parallel guesses do not slip past the limit: all but the allowed ones are refused.
    await makeUser(p, 'parallel@odsc.gov.la', 'taskforce');
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(p.app)
          .post('/api/v1/auth/login')
          .send({ email: 'parallel@odsc.gov.la', password: `parallel guess ${i}` }),
      ),
    );
    expect(burst.filter((r) => r.status === 401)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(9);
    // Another account from the same address is not locked by it.
    expect(
      (
        await request(p.app)
          .post('/api/v1/auth/login')
          .send({ email: 'tf@odsc.gov.la', password: PASSWORD })
      ).status,
    ).toBe(200);
  });

  test('password change ends the other sessions; logout ends this one', async () => {
    await makeUser(p, 'changer@odsc.gov.la', 'analyst');
    const one = await signIn(p.app, 'changer@odsc.gov.la');
    const two = await signIn(p.app, 'changer@odsc.gov.la');
    const short = await one.agent
      .post('/api/v1/auth/password')
      .set('X-CSRF-Token', one.csrf)
      .send({ currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(422);
    const ok = await one.agent
      .post('/api/v1/auth/password')
      .set('X-CSRF-Token', one.csrf)
      .send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(ok.status).toBe(204);
    expect((await one.agent.get('/api/v1/auth/me')).status).toBe(200);
    expect((await two.agent.get('/api/v1/auth/me')).status).toBe(401);
    expect((await one.agent.post('/api/v1/auth/logout').set('X-CSRF-Token', one.csrf)).status).toBe(
      204,
    );
    expect((await one.agent.get('/api/v1/auth/me')).status).toBe(401);
    await signIn(p.app, 'changer@odsc.gov.la', 'a brand new passphrase');
  });
});

describe('scope: a center manager reaches only their centers, by every route', () => {
  test('list, counts, search, item, actions, notes and replies of another center', async () => {
    const all = await tf.agent.get('/api/v1/feedback');
    expect(codes(all)).toEqual(expect.arrayContaining([codeA, codeB]));
    const mine = await mgrA.agent.get('/api/v1/feedback');
    expect(codes(mine)).toContain(codeA);
    expect(codes(mine)).not.toContain(codeB);
    expect(codes(await mgrA.agent.get('/api/v1/feedback').query({ q: 'Luang Prabang' }))).toEqual(
      [],
    );
    expect(codes(await mgrA.agent.get('/api/v1/feedback').query({ center: B }))).toEqual([]);
    const counts = await mgrA.agent.get('/api/v1/feedback/counts');
    const tfCounts = await tf.agent.get('/api/v1/feedback/counts');
    expect(counts.body.open).toBe(tfCounts.body.open - 1);
    expect((await mgrA.agent.get(`/api/v1/feedback/${codeB}`)).status).toBe(404);
    expect((await patch(mgrA, codeB, { status: 'triaged' })).status).toBe(404);
    const note = await mgrA.agent
      .post(`/api/v1/feedback/${codeB}/notes`)
      .set('X-CSRF-Token', mgrA.csrf)
      .send({ text: 'x' });
    expect(note.status).toBe(404);
    const reply = await mgrA.agent
      .post(`/api/v1/feedback/${codeB}/replies`)
      .set('X-CSRF-Token', mgrA.csrf)
      .send({ text: 'x' });
    expect(reply.status).toBe(404);
    const bulk = await mgrA.agent
      .post('/api/v1/feedback/bulk')
      .set('X-CSRF-Token', mgrA.csrf)
      .send({ trackingCodes: [codeB], set: { status: 'spam' } });
    expect(bulk.body.results).toEqual([
      { trackingCode: codeB, ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) },
    ]);
    // Moving an item to another center is refused too.
    expect((await patch(mgrA, codeA, { centerCode: B })).status).toBe(422);
    expect((await tf.agent.get(`/api/v1/feedback/${codeB}`)).body.status).toBe('new');
  });

  test('an analyst reads, with the number masked, and may not act; admin routes are admin only', async () => {
    const item = await analyst.agent.get(`/api/v1/feedback/${codeA}`);
    expect(item.status).toBe(200);
    expect(item.body.contact).toEqual({ kind: 'phone', value: '+856 20 •••• 1234' });
    // A number written in the text is masked for them too.
    const withNumber = await submit(p, {
      centerCode: 'LA-XA',
      text: 'ໂທຫາຂ້ອຍ 020 5550 9876 ເລື່ອງໃບອະນຸຍາດ',
    });
    const masked = (await analyst.agent.get(`/api/v1/feedback/${withNumber}`)).body;
    expect(masked.text.raw).not.toMatch(/5550|9876/);
    expect(masked.excerpt).not.toMatch(/5550/);
    expect((await tf.agent.get(`/api/v1/feedback/${withNumber}`)).body.text.raw).toContain(
      '020 5550 9876',
    );
    expect((await patch(analyst, codeA, { status: 'triaged' })).status).toBe(403);
    for (const s of [tf, mgrA, analyst]) {
      expect((await s.agent.get('/api/v1/users')).status).toBe(403);
      expect((await s.agent.get('/api/v1/audit')).status).toBe(403);
    }
    expect((await analyst.agent.get('/api/v1/staff')).status).toBe(403);
  });
});

describe('the review queue', () => {
  test('the item: text as written, classification, contact for the manager (audited)', async () => {
    const res = await mgrA.agent.get(`/api/v1/feedback/${codeA}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      trackingCode: codeA,
      centerCode: A,
      serviceCode: 'land_registration',
      channel: 'web',
      status: 'new',
      citizenStatus: 'received',
      text: { raw: 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ' },
      contact: { kind: 'phone', value: PHONE },
      replyable: true,
    });
    expect(res.body.classification.center).toEqual({ code: A, confidence: 1, method: 'explicit' });
    expect(res.body.thread[0]).toMatchObject({ type: 'message', text: 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ' });
    const audit = await admin.agent.get('/api/v1/audit').query({ action: 'view_contact' });
    expect(audit.body.items[0]).toMatchObject({
      actor: { id: mgrAId, email: 'mgr.a@odsc.gov.la' },
      action: 'view_contact',
      target: parseTrackingCode(codeA),
    });
  });

  test('a rating alone is counted but closed from the start, outside the queue', async () => {
    const doc = await p.Feedback.findById(parseTrackingCode(codeRating)).lean();
    // Staff never need to see it; the citizen's look-up still says it was received.
    expect(doc).toMatchObject({ staffStatus: 'closed', status: 'received', rating: 5 });
    const look = await request(p.app).get(`/api/v1/status/${codeRating}`);
    expect(look.body.status).toBe('received');
    expect(codes(await tf.agent.get('/api/v1/feedback'))).not.toContain(codeRating);
    expect((await tf.agent.get(`/api/v1/feedback/${codeRating}`)).status).toBe(200);
  });

  test('filters: Lao text, Lao digits, center, province, channel, rating; bad values are 422', async () => {
    const lao = await tf.agent.get('/api/v1/feedback').query({ q: 'ເຈົ້າໜ້າທີ່' });
    expect(codes(lao)).toEqual([codeA]);
    // ຫລ is the same letter as ຫຼ for search.
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ q: 'ດົນຫລາຍ' }))).toEqual([codeA]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ q: codeB }))).toEqual([codeB]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ q: '.*' }))).toEqual([]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ province: 'LA-VT' }))).toEqual([
      codeA,
    ]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ rating: '໒' }))).toEqual(
      expect.arrayContaining([codeA, codeB]),
    );
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ rating: '4' }))).toEqual([]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ channel: 'sms' }))).toEqual([]);
    const bad = await tf.agent.get('/api/v1/feedback').query({ rating: '9', from: '2026-02-30' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'from',
      'rating',
    ]);
    const dueClosed = await tf.agent
      .get('/api/v1/feedback')
      .query({ sort: 'due', status: 'closed' });
    expect(dueClosed.status).toBe(422);
    const op = await tf.agent.get('/api/v1/feedback?center[$ne]=x');
    expect(op.status).toBe(422);
    // Empty values (a filter form's blank fields) are as if not given: the same list, not a 422.
    const plain = await tf.agent.get('/api/v1/feedback');
    const blank = await tf.agent.get(
      '/api/v1/feedback?center=&needsTriage=&from=&to=&held=&overdue=&sort=&limit=&rating=&status=',
    );
    expect(blank.status).toBe(200);
    expect(codes(blank)).toEqual(codes(plain));
    expect(codes(blank).length).toBeGreaterThan(0);
    // An unknown key stays an error even when empty.
    expect((await tf.agent.get('/api/v1/feedback?centre=')).status).toBe(422);
  });

  test('cursor pages neither skip nor repeat while new feedback arrives', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push(await submit(p, { centerCode: 'LA-CH', text: `Paging test number ${i}` }));
    const q = { center: 'LA-CH', limit: 2 };
    const one = await tf.agent.get('/api/v1/feedback').query(q);
    expect(codes(one)).toEqual([made[4], made[3]]);
    const late = await submit(p, { centerCode: 'LA-CH', text: 'Arrived between pages' });
    const two = await tf.agent.get('/api/v1/feedback').query({ ...q, cursor: one.body.nextCursor });
    const three = await tf.agent
      .get('/api/v1/feedback')
      .query({ ...q, cursor: two.body.nextCursor });
    expect([...codes(two), ...codes(three)]).toEqual([made[2], made[1], made[0]]);
    expect(three.body.nextCursor).toBeNull();
    expect(codes(await tf.agent.get('/api/v1/feedback').query(q))[0]).toBe(late);
    const wrongSort = await tf.agent
      .get('/api/v1/feedback')
      .query({ ...q, sort: 'due', cursor: one.body.nextCursor });
    expect(wrongSort.status).toBe(422);
  });
});

describe('actions', () => {
  test('status moves change the citizen status look-up; resolving needs a note; bad moves are 409', async () => {
    const status = async () => (await request(p.app).get(`/api/v1/status/${codeA}`)).body.status;
    expect(await status()).toBe('received');
    expect((await patch(mgrA, codeA, { status: 'triaged' })).body.status).toBe('triaged');
    expect(await status()).toBe('in_review');
    expect((await patch(mgrA, codeA, { status: 'closed' })).status).toBe(409);
    // A refused request changes nothing, not even the correction that came with it.
    expect((await patch(tf, codeA, { centerCode: 'LA-XE', status: 'closed' })).status).toBe(409);
    const unchanged = (await tf.agent.get(`/api/v1/feedback/${codeA}`)).body;
    expect(unchanged).toMatchObject({ centerCode: A, status: 'triaged' });
    expect(unchanged.history.filter((h: { action: string }) => h.action === 'correct')).toEqual([]);
    const noNote = await patch(mgrA, codeA, { status: 'resolved' });
    expect(noNote.status).toBe(422);
    expect(noNote.body.error.details[0].field).toBe('resolutionNote');
    const done = await patch(mgrA, codeA, {
      status: 'resolved',
      resolutionNote: 'Staff member spoken to; queue tickets added.',
    });
    expect(done.body).toMatchObject({
      status: 'resolved',
      citizenStatus: 'resolved',
      resolutionNote: 'Staff member spoken to; queue tickets added.',
    });
    expect(await status()).toBe('resolved');
    expect(done.body.history.map((h: { to: string }) => h.to)).toEqual(
      expect.arrayContaining(['triaged', 'resolved']),
    );
    expect((await patch(mgrA, codeA, { status: 'triaged' })).body.status).toBe('triaged'); // reopen
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ status: 'triaged' }))).toContain(
      codeA,
    );
    expect(
      codes(await tf.agent.get('/api/v1/feedback').query({ status: 'resolved' })),
    ).not.toContain(codeA);
  });

  test('correcting the center moves the rollup count and is learned; the queue follows', async () => {
    const code = await submit(p, {
      centerCode: 'LA-CH',
      serviceCode: 'vehicle_registration',
      rating: 1,
      text: 'ລົດ ລໍຖ້າດົນ ທີ່ຫ້ອງການ',
    });
    const Rollup = rollupModel(p.conn);
    const doc = await p.Feedback.findById(parseTrackingCode(code)).lean();
    const bucket = (center: string) => `${doc!.day}|${center}|vehicle_registration|web`;
    const before = {
      ch: (await Rollup.findById(bucket('LA-CH')).lean())!.count,
      xe: (await Rollup.findById(bucket('LA-XE')).lean())?.count ?? 0,
    };
    const res = await patch(tf, code, {
      centerCode: 'LA-XE',
      kind: 'question',
      topics: ['waiting_time', 'facilities'],
    });
    expect(res.status).toBe(200);
    expect(res.body.classification.center).toEqual({
      code: 'LA-XE',
      confidence: 1,
      method: 'explicit',
    });
    expect(res.body.topics).toEqual(['waiting_time', 'facilities']);
    expect((await Rollup.findById(bucket('LA-CH')).lean())!.count).toBe(before.ch - 1);
    expect((await Rollup.findById(bucket('LA-XE')).lean())!.count).toBe(before.xe + 1);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ center: 'LA-XE' }))).toEqual([
      code,
    ]);
    expect(
      codes(await tf.agent.get('/api/v1/feedback').query({ center: 'LA-CH', topic: 'facilities' })),
    ).toEqual([]);
    const audit = await admin.agent.get('/api/v1/audit').query({ action: 'correction' });
    expect(audit.body.items.map((i: { details: { field: string } }) => i.details.field)).toEqual(
      expect.arrayContaining(['center', 'kind', 'topics']),
    );
  });

  test('assign: to a person who covers the center; "assigned to me" filter; not to an analyst', async () => {
    const bad = await patch(tf, codeB, { assigneeId: mgrAId });
    expect(bad.status).toBe(422);
    const ok = await patch(tf, codeA, { assigneeId: mgrAId });
    expect(ok.body.assignee).toEqual({ id: mgrAId, email: 'mgr.a@odsc.gov.la' });
    expect(codes(await mgrA.agent.get('/api/v1/feedback').query({ assignee: 'me' }))).toEqual([
      codeA,
    ]);
    expect(codes(await tf.agent.get('/api/v1/feedback').query({ assignee: 'me' }))).toEqual([]);
    // Moved to a center its assignee does not cover: nobody is assigned any more.
    const moved = await submit(p, { centerCode: A, text: 'ລໍຖ້າດົນ ເລື່ອງປຶ້ມສຳມະໂນຄົວ' });
    await patch(tf, moved, { assigneeId: mgrAId }).expect(200);
    const after = (await patch(tf, moved, { centerCode: 'LA-HO' }).expect(200)).body;
    expect(after.assignee).toBeNull();
    expect(after.history.at(-1)).toMatchObject({ action: 'assign', from: mgrAId, to: null });
  });

  test('notes are internal and in the thread; a reply reaches the citizen by SMS and shows its delivery', async () => {
    const note = await mgrA.agent
      .post(`/api/v1/feedback/${codeA}/notes`)
      .set('X-CSRF-Token', mgrA.csrf)
      .send({ text: 'ໂທຫາຫົວໜ້າສູນແລ້ວ' });
    expect(note.status).toBe(201);
    const reply = await mgrA.agent
      .post(`/api/v1/feedback/${codeA}/replies`)
      .set('X-CSRF-Token', mgrA.csrf)
      .send({ text: 'ຂອບໃຈ, ພວກເຮົາກຳລັງແກ້ໄຂ' });
    expect(reply.status).toBe(202);
    await outboundSettled(outboundMessageModel(p.conn), reply.body.replyId, ['sent']);
    expect(fake.sent.at(-1)).toMatchObject({ To: PHONE, Body: 'ຂອບໃຈ, ພວກເຮົາກຳລັງແກ້ໄຂ' });
    const item = (await mgrA.agent.get(`/api/v1/feedback/${codeA}`)).body;
    // (codeA was resolved above, so the satisfaction question went out before the note.)
    expect(item.thread.map((t: { type: string }) => t.type)).toEqual([
      'message',
      'survey',
      'note',
      'reply',
    ]);
    expect(item.thread[3]).toMatchObject({
      delivery: 'sent',
      by: { email: 'mgr.a@odsc.gov.la' },
      replyId: reply.body.replyId,
    });
    const audit = await admin.agent.get('/api/v1/audit').query({ actor: mgrAId, limit: 100 });
    const actions = audit.body.items
      .filter((i: { target: string }) => i.target === parseTrackingCode(codeA))
      .map((i: { action: string }) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining(['note', 'reply', 'status_change', 'view_contact']),
    );
    const anon = await tf.agent
      .post(`/api/v1/feedback/${codeB}/replies`)
      .set('X-CSRF-Token', tf.csrf)
      .send({ text: 'hello' });
    expect(anon.status).toBe(422);
    expect(anon.body.error.code).toBe('NO_WAY_TO_REPLY');
  });

  test('bulk: each item on its own, audited one by one; spam closes for the citizen', async () => {
    const x = await submit(p, { centerCode: 'LA-BK', text: 'buy cheap watches' });
    const y = await submit(p, { centerCode: 'LA-BK', text: 'buy cheap phones' });
    const res = await tf.agent
      .post('/api/v1/feedback/bulk')
      .set('X-CSRF-Token', tf.csrf)
      .send({ trackingCodes: [x, y, 'ZZZZZ-ZZZZZ'], set: { status: 'spam' } });
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    expect((await request(p.app).get(`/api/v1/status/${y}`)).body.status).toBe('closed');
    const audit = await admin.agent
      .get('/api/v1/audit')
      .query({ action: 'status_change', actor: tfId });
    const targets = audit.body.items.map((i: { target: string }) => i.target);
    expect(targets).toEqual(expect.arrayContaining([parseTrackingCode(x), parseTrackingCode(y)]));
    const counts = await tf.agent.get('/api/v1/feedback/counts').query({ center: 'LA-BK' });
    expect(counts.body.byStatus).toMatchObject({ spam: 2, new: 0 });
  });
});

describe('users and audit (admin)', () => {
  test('create, scope, disable (sessions end) and reset; every change audited', async () => {
    const created = await admin.agent
      .post('/api/v1/users')
      .set('X-CSRF-Token', admin.csrf)
      .send({
        email: 'temp@odsc.gov.la',
        role: 'center_manager',
        centers: [A],
        password: 'temporary password',
      });
    expect(created.status).toBe(201);
    const dup = await admin.agent
      .post('/api/v1/users')
      .set('X-CSRF-Token', admin.csrf)
      .send({ email: 'TEMP@odsc.gov.la', role: 'analyst', password: 'temporary password' });
    expect(dup.status).toBe(409);
    const temp = await signIn(p.app, 'temp@odsc.gov.la', 'temporary password');
    const off = await admin.agent
      .patch(`/api/v1/users/${created.body.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ disabled: true });
    expect(off.body.disabled).toBe(true);
    expect((await temp.agent.get('/api/v1/feedback')).status).toBe(401);
    const bad = await request(p.app)
      .post('/api/v1/auth/login')
      .send({ email: 'temp@odsc.gov.la', password: 'temporary password' });
    expect(bad.status).toBe(401);
    const audit = await admin.agent.get('/api/v1/audit').query({ action: 'user_update' });
    expect(audit.body.items[0]).toMatchObject({
      target: created.body.id,
      details: { changed: ['disabled'], disabled: true },
    });
    const list = await admin.agent.get('/api/v1/users');
    expect(
      list.body.items.find((u: { email: string }) => u.email === 'temp@odsc.gov.la'),
    ).toMatchObject({ disabled: true });
    expect(JSON.stringify(list.body)).not.toMatch(/argon2/);
  });

  test('the audit log pages newest first and has no route that changes it', async () => {
    const first = await admin.agent.get('/api/v1/audit').query({ limit: 3 });
    expect(first.body.items).toHaveLength(3);
    const next = await admin.agent
      .get('/api/v1/audit')
      .query({ limit: 3, cursor: first.body.nextCursor });
    const at = [...first.body.items, ...next.body.items].map((i: { at: string }) => i.at);
    expect([...at].sort().reverse()).toEqual(at);
    for (const method of ['delete', 'patch', 'put'] as const) {
      const r = await admin.agent[method]('/api/v1/audit').set('X-CSRF-Token', admin.csrf).send({});
      expect(r.status).toBe(404);
    }
    const logins = await admin.agent.get('/api/v1/audit').query({ action: 'login_failed' });
    expect(logins.body.items.length).toBeGreaterThanOrEqual(4);
    expect(logins.body.items[0]).toMatchObject({ actor: null, ip: expect.any(String) });
  });
});

test('the tab counts add up to what the list pages through', async () => {
  const c = await tf.agent.get('/api/v1/feedback/counts');
  const total = Object.values(c.body.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
  const listed = await waitFor(async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const r: request.Response = await tf.agent
        .get('/api/v1/feedback')
        .query(cursor ? { limit: 100, cursor } : { limit: 100 });
      all.push(...codes(r));
      cursor = r.body.nextCursor;
    } while (cursor);
    return all;
  }, 'listing');
  expect(new Set(listed).size).toBe(listed.length);
  expect(listed.length).toBe(total);

  // Counts under a filter (from the process's snapshot of the index) follow every change.
  const complaints = async () =>
    (await tf.agent.get('/api/v1/feedback/counts').query({ kind: 'complaint', channel: 'web' }))
      .body;
  const before = await complaints();
  const fresh = await submit(p, { centerCode: 'LA-SV', rating: 1, text: 'ລໍຖ້າດົນຫຼາຍ ບໍ່ພໍໃຈ' });
  expect((await complaints()).byStatus.new).toBe(before.byStatus.new + 1);
  await patch(tf, fresh, { kind: 'question' }).expect(200);
  expect((await complaints()).byStatus.new).toBe(before.byStatus.new);
  const byKind = await complaints();

  // Redis lost the index: queue:reindex rebuilds the same working set from the database.
  const index = new QueueIndex(p.redis, p.config.queuePrefix);
  await index.clear();
  expect((await complaints()).open).toBe(0);
  expect((await tf.agent.get('/api/v1/feedback/counts')).body.open).toBe(0);
  const r = await rebuildQueueIndex(p.conn, index, p.config.staff.keepClosedDays);
  expect(r.indexed).toBe(total + 1);
  expect((await tf.agent.get('/api/v1/feedback/counts')).body.open).toBe(c.body.open + 1);
  expect(await complaints()).toEqual(byKind);
  const mgr = await mgrA.agent.get('/api/v1/feedback');
  expect(codes(mgr)).toContain(codeA);
});
