/**
 * The insight figures on the real servers: a small hand-built set of feedback goes through the
 * queue and the worker (with receipt times on both sides of Vientiane's midnight), staff act on it
 * through the API (complaint kinds, a resolution on time, a reply, spam, a center correction, a
 * kind changed away from complaint), and every figure of /api/v1/reports/summary and /centers is
 * checked against what this test computes by itself from the stored feedback — its own loops, not
 * the report modules. Scope rules on every report route; the report days equal a rebuild from the
 * records, and the rollups a recount, after the whole mixed stream.
 */
import request from 'supertest';
import { IntakeProducer } from '../services/api/intake-producer';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { reportDayModel, reportDaysFor } from '../shared/reports/report-days';
import { RedisLock } from '../shared/redis-lock';
import { Deadlines } from '../shared/staff/deadlines';
import { rollupDifferences } from '../workers/intake/rollup-recount';
import { rollupCorrectionModel } from '../shared/models/rollup.model';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { waitFor, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, startStaffPlatform, submit, type StaffAgent } from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const FROM = '2026-10-31';

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let tf: StaffAgent;
let mgrA: StaffAgent;
let analyst: StaffAgent;
const codes: Record<string, string> = {};

/** What the test itself says a day is: receipt time + 7 h, as a date. */
const localDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
/**
 * Today in Vientiane: one complaint is submitted now by the web form, so the period must reach
 * today (a fixed last day put it outside from 17:00Z on that day). The period stays within the
 * reports' 732-day limit until late 2028.
 */
const TO = localDay(new Date());

function envelope(n: number, over: Partial<IntakeEnvelope>): IntakeEnvelope {
  return {
    v: 1,
    channel: 'web',
    externalId: `reports-test-${n}`,
    receivedAt: '2026-11-10T03:00:00.000Z',
    sender: { kind: 'anonymous', consentToContact: false },
    meta: {},
    ...over,
  };
}

const patch = (s: StaffAgent, code: string, body: object) =>
  s.agent.patch(`/api/v1/feedback/${code}`).set('X-CSRF-Token', s.csrf).send(body);

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('reports'));
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]);
  await makeUser(p, 'analyst@odsc.gov.la', 'analyst');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  mgrA = await signIn(p.app, 'mgr.a@odsc.gov.la');
  analyst = await signIn(p.app, 'analyst@odsc.gov.la');

  const producer = new IntakeProducer(p.queue, p.redis, p.codes, p.config.queuePrefix);
  const plan: [string, Partial<IntakeEnvelope>][] = [
    // The last second of 31 October in Vientiane, and the first of 1 November.
    ['edgeOct', { receivedAt: '2026-10-31T16:59:59.000Z', centerCode: A, rating: 5 }],
    [
      'edgeNov',
      {
        receivedAt: '2026-10-31T17:00:00.000Z',
        centerCode: A,
        rating: 1,
        text: 'Waited two hours, nobody explained anything',
      },
    ],
    [
      'a1',
      {
        receivedAt: '2026-11-02T02:00:00.000Z',
        centerCode: A,
        serviceCode: 'land_registration',
        rating: 2,
        text: 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ',
      },
    ],
    [
      'a2',
      {
        receivedAt: '2026-11-03T04:00:00.000Z',
        centerCode: A,
        serviceCode: 'land_registration',
        rating: 1,
        text: 'Asked to pay extra 200,000 kip for the land title',
      },
    ],
    [
      'a3',
      {
        receivedAt: '2026-11-24T04:00:00.000Z',
        centerCode: A,
        rating: 4,
        channel: 'kiosk',
        sender: { kind: 'kiosk', consentToContact: false },
      },
    ],
    [
      'a4',
      {
        receivedAt: '2026-11-25T04:00:00.000Z',
        centerCode: A,
        rating: 5,
        channel: 'kiosk',
        sender: { kind: 'kiosk', consentToContact: false },
      },
    ],
    [
      'b1',
      {
        receivedAt: '2026-11-05T09:00:00.000Z',
        centerCode: B,
        rating: 3,
        text: 'The office was closed at lunch time',
      },
    ],
    [
      'b2',
      {
        receivedAt: '2026-11-06T09:00:00.000Z',
        centerCode: B,
        rating: 4,
        text: 'Thank you, very fast service',
      },
    ],
    [
      'b3',
      {
        receivedAt: '2026-11-26T01:00:00.000Z',
        centerCode: B,
        rating: 2,
        text: 'No one answered my questions about documents',
      },
    ],
    [
      'spam',
      {
        receivedAt: '2026-11-12T01:00:00.000Z',
        centerCode: B,
        rating: 1,
        text: 'buy cheap phones now',
      },
    ],
    [
      'moved',
      {
        receivedAt: '2026-11-13T01:00:00.000Z',
        centerCode: A,
        rating: 2,
        text: 'Waited all morning',
      },
    ],
    ['unknown', { receivedAt: '2026-11-14T01:00:00.000Z', rating: 3, text: 'okay' }],
    ['before', { receivedAt: '2026-10-20T01:00:00.000Z', centerCode: A, rating: 4 }],
  ];
  let n = 0;
  for (const [name, over] of plan) codes[name] = await producer.enqueue(envelope(n++, over));
  for (const code of Object.values(codes)) await p.counted(code);
  // One complaint that can be answered (a phone with consent): submitted today by the web form.
  codes.reply = await submit(p, {
    centerCode: A,
    serviceCode: 'land_registration',
    rating: 1,
    text: 'ເຈົ້າໜ້າທີ່ຂໍເງິນເພີ່ມ',
    contact: { phone: '020 5550 1234', consentToContact: true },
  });

  // Staff make the kinds explicit, then act.
  for (const name of ['edgeNov', 'a1', 'a2', 'b1', 'b3', 'spam', 'moved', 'reply'])
    expect((await patch(tf, codes[name]!, { kind: 'complaint' })).status).toBe(200);
  expect((await patch(tf, codes.b2!, { kind: 'praise' })).status).toBe(200);
  // a1: resolved now (late: it was due about 20 November); b3: resolved now (on time).
  for (const name of ['a1', 'b3'])
    expect(
      (await patch(tf, codes[name]!, { status: 'resolved', resolutionNote: 'ແກ້ໄຂແລ້ວ / fixed' }))
        .status,
    ).toBe(200);
  expect((await patch(tf, codes.b1!, { status: 'in_progress' })).status).toBe(200);
  expect((await patch(tf, codes.spam!, { status: 'spam' })).status).toBe(200);
  // Moved from A to B by a correction: its rollup count and its case move with it.
  expect((await patch(tf, codes.moved!, { centerCode: B })).status).toBe(200);
  // A complaint that turns out to be a question: it leaves the cases.
  expect((await patch(tf, codes.a2!, { kind: 'question' })).status).toBe(200);
  const r = await tf.agent
    .post(`/api/v1/feedback/${codes.reply}/replies`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ text: 'ພວກເຮົາກຳລັງກວດສອບ / We are looking into it' });
  expect(r.status).toBe(202);
}, 180_000);

afterAll(async () => {
  await closePlatform?.();
});

/** Every figure of the summary, computed here from the stored documents. */
function expected(
  docs: FeedbackDoc[],
  from: string,
  to: string,
  keep: (d: FeedbackDoc) => boolean,
) {
  const now = Date.now();
  const cal = Deadlines.fromConfig(p.config).calendar;
  const inPeriod = docs.filter(
    (d) =>
      localDay(new Date(d.receivedAt)) >= from && localDay(new Date(d.receivedAt)) <= to && keep(d),
  );
  const rated = inPeriod.filter((d) => d.rating);
  const cases = inPeriod.filter(
    (d) =>
      d.kind?.code === 'complaint' && d.staffStatus !== 'spam' && d.staffStatus !== 'duplicate',
  );
  const open = cases.filter((d) =>
    ['new', 'triaged', 'in_progress'].includes(d.staffStatus ?? 'new'),
  );
  const overdue = open.filter((d) => d.slaDueAt && new Date(d.slaDueAt).getTime() < now);
  const resolved = cases.filter(
    (d) => ['resolved', 'closed'].includes(d.staffStatus!) && d.resolvedAt,
  );
  const onTime = resolved.filter(
    (d) => new Date(d.resolvedAt!).getTime() <= new Date(d.slaDueAt!).getTime(),
  );
  const med = (xs: number[]) => {
    if (!xs.length) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const wd = (a: Date, b: Date) => cal.workingDaysBetween(new Date(a), new Date(b));
  const sat = cases.filter((d) => d.satisfaction);
  return {
    from,
    to,
    received: inPeriod.length,
    rated: rated.length,
    ratingAvg: rated.length ? rated.reduce((s, d) => s + d.rating!, 0) / rated.length : null,
    satisfiedShare: rated.length ? rated.filter((d) => d.rating! >= 4).length / rated.length : null,
    complaints: {
      total: cases.length,
      open: open.length,
      overdue: overdue.length,
      resolved: resolved.length,
    },
    medianFirstReplyDays: med(
      cases.filter((d) => d.firstReplyAt).map((d) => wd(d.receivedAt, d.firstReplyAt!)),
    ),
    medianResolutionDays: med(resolved.map((d) => wd(d.receivedAt, d.resolvedAt!))),
    resolvedOnTimeShare:
      resolved.length + overdue.length ? onTime.length / (resolved.length + overdue.length) : null,
    resolutionSatisfactionAvg: sat.length
      ? sat.reduce((s, d) => s + d.satisfaction!, 0) / sat.length
      : null,
    resolutionSatisfactionCount: sat.length,
  };
}

const allDocs = () => feedbackModel(p.conn).find({}).lean<FeedbackDoc[]>();

/**
 * Report days over the platform's records, refreshed from the marks under `marks` (the platform's
 * own by default), with the platform's day locks, so that they write the same days.
 */
function reportDays(marks = p.config.queuePrefix) {
  return reportDaysFor(
    p.conn,
    p.redis,
    marks,
    Deadlines.fromConfig(p.config).calendar,
    new RedisLock(p.redis, p.config.queuePrefix),
  );
}

describe('headline figures', () => {
  test('equal what the stored feedback says, for all centers, over two periods', async () => {
    const docs = await allDocs();
    for (const [from, to] of [
      [FROM, TO],
      ['2026-11-01', TO],
    ] as const) {
      const res = await tf.agent.get('/api/v1/reports/summary').query({ from, to });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected(docs, from, to, () => true));
    }
    // The edge cases moved exactly one item between the two periods, and the staff actions made
    // every kind of case: these numbers are what the set was built to contain.
    const all = (await tf.agent.get('/api/v1/reports/summary').query({ from: FROM, to: TO })).body;
    const nov = (
      await tf.agent.get('/api/v1/reports/summary').query({ from: '2026-11-01', to: TO })
    ).body;
    expect(all.received - nov.received).toBe(1);
    expect(all.received).toBe(13);
    expect(all.complaints).toMatchObject({ total: 6, resolved: 2 });
    expect(all.complaints.overdue).toBeGreaterThanOrEqual(2);
    expect(all.medianFirstReplyDays).toBe(0);
  });

  test('each filter (center, province, service, channel) equals the same filter applied here', async () => {
    const docs = await allDocs();
    const cases: [Record<string, string>, (d: FeedbackDoc) => boolean][] = [
      [{ center: A }, (d) => d.center?.code === A],
      [{ province: 'LA-LP' }, (d) => d.center?.code === B],
      [{ service: 'land_registration' }, (d) => d.service?.code === 'land_registration'],
      [{ channel: 'kiosk' }, (d) => d.channel === 'kiosk'],
    ];
    for (const [q, keep] of cases) {
      const res = await tf.agent.get('/api/v1/reports/summary').query({ from: FROM, to: TO, ...q });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected(docs, FROM, TO, keep));
    }
  });

  test('the league table lists each center with its figures and its change against the period before', async () => {
    const docs = await allDocs();
    const res = await tf.agent.get('/api/v1/reports/centers').query({ from: '2026-11-01', to: TO });
    expect(res.status).toBe(200);
    const line = (c: string) =>
      (res.body.items as { centerCode: string }[]).find((i) => i.centerCode === c);
    // The period before is as long as this one and ends on 31 October.
    const DAY = 86_400_000;
    const days = (Date.parse(TO) - Date.parse('2026-11-01')) / DAY + 1;
    const beforeFrom = new Date(Date.parse('2026-11-01') - days * DAY).toISOString().slice(0, 10);
    for (const c of [A, B]) {
      const e = expected(docs, '2026-11-01', TO, (d) => d.center?.code === c);
      const before = expected(docs, beforeFrom, '2026-10-31', (d) => d.center?.code === c);
      expect(line(c)).toMatchObject({
        centerCode: c,
        received: e.received,
        ratingAvg: e.ratingAvg,
        satisfiedShare: e.satisfiedShare,
        complaints: e.complaints.total,
        overdue: e.complaints.overdue,
        resolvedOnTimeShare: e.resolvedOnTimeShare,
        change: {
          received: e.received - before.received,
          ratingAvg:
            e.ratingAvg === null || before.ratingAvg === null
              ? null
              : e.ratingAvg - before.ratingAvg,
          satisfiedShare:
            e.satisfiedShare === null || before.satisfiedShare === null
              ? null
              : e.satisfiedShare - before.satisfiedShare,
        },
      });
    }
    // Every active center is listed, also those without feedback (zeros, no ratings).
    const quiet = line('LA-AT');
    expect(quiet).toMatchObject({ received: 0, ratingAvg: null, complaints: 0 });
    // The trend has one point per day of the period and adds up to the center's total.
    const a = line(A) as unknown as { trend: number[]; received: number };
    expect(a.trend).toHaveLength(days);
    expect(a.trend.reduce((x, y) => x + y, 0)).toBe(a.received);
  });
});

describe('scope on every report route', () => {
  test("a center manager's figures are made of their centers only", async () => {
    const docs = await allDocs();
    const res = await mgrA.agent.get('/api/v1/reports/summary').query({ from: FROM, to: TO });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected(docs, FROM, TO, (d) => d.center?.code === A));
    const league = await mgrA.agent.get('/api/v1/reports/centers').query({ from: FROM, to: TO });
    expect((league.body.items as { centerCode: string }[]).map((i) => i.centerCode)).toEqual([A]);
    const overview = await mgrA.agent.get('/api/v1/reports/overview').query({ from: FROM, to: TO });
    expect(overview.status).toBe(200);
    expect(overview.body.summary).toEqual(res.body);
    expect(overview.body.centers.map((c: { centerCode: string }) => c.centerCode)).toEqual([A]);
    expect(overview.body.provinces.map((c: { province: string }) => c.province)).toEqual(['LA-VT']);
  });

  test('another center is not found for a manager; the province filter cannot widen the scope', async () => {
    for (const route of ['summary', 'centers', 'overview']) {
      const res = await mgrA.agent.get(`/api/v1/reports/${route}`).query({ center: B });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const lp = await mgrA.agent
      .get('/api/v1/reports/summary')
      .query({ from: FROM, to: TO, province: 'LA-LP' });
    expect(lp.status).toBe(200);
    expect(lp.body.received).toBe(0);
  });

  test('an analyst reads figures; no session is 401; a bad period is a 422 that names the field', async () => {
    expect((await analyst.agent.get('/api/v1/reports/summary')).status).toBe(200);
    for (const route of ['summary', 'centers', 'overview'])
      expect((await request(p.app).get(`/api/v1/reports/${route}`)).status).toBe(401);
    const bad = await tf.agent.get('/api/v1/reports/summary').query({ from: '2026-11-31' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('from');
    const reversed = await tf.agent.get('/api/v1/reports/summary').query({ from: TO, to: FROM });
    expect(reversed.status).toBe(422);
    const tooLong = await tf.agent
      .get('/api/v1/reports/summary')
      .query({ from: '2020-01-01', to: TO });
    expect(tooLong.status).toBe(422);
    const unknown = await tf.agent.get('/api/v1/reports/summary').query({ centre: A });
    expect(unknown.status).toBe(422);
    // Empty values are as if not given: the default period and no filter, not a 422.
    const blank = await tf.agent.get(
      '/api/v1/reports/summary?from=&to=&center=&province=&service=&channel=&granularity=',
    );
    expect(blank.status).toBe(200);
    expect(blank.body).toEqual((await tf.agent.get('/api/v1/reports/summary')).body);
    const bounded = await tf.agent.get(`/api/v1/reports/summary?from=${FROM}&to=${TO}&center=`);
    expect(bounded.status).toBe(200);
    expect(bounded.body).toEqual(
      (await tf.agent.get('/api/v1/reports/summary').query({ from: FROM, to: TO })).body,
    );
    expect((await tf.agent.get('/api/v1/reports/summary?centre=')).status).toBe(422);
  });
});

describe('overview', () => {
  test('series, channel mix, rankings and kiosk smileys add up to the headline figures', async () => {
    const docs = await allDocs();
    const res = await tf.agent
      .get('/api/v1/reports/overview')
      .query({ from: FROM, to: TO, granularity: 'week' });
    expect(res.status).toBe(200);
    const o = res.body;
    const e = expected(docs, FROM, TO, () => true);
    expect(o.summary).toEqual(e);
    expect(o.series.reduce((s: number, x: { received: number }) => s + x.received, 0)).toBe(
      e.received,
    );
    expect(o.series[0].period).toBe('2026-10-26'); // the Monday of 31 October's week
    expect(o.channels.reduce((s: number, x: { received: number }) => s + x.received, 0)).toBe(
      e.received,
    );
    const inPeriod = docs.filter((d) => localDay(new Date(d.receivedAt)) >= FROM);
    expect(o.channels.find((c: { channel: string }) => c.channel === 'kiosk').received).toBe(
      inPeriod.filter((d) => d.channel === 'kiosk').length,
    );
    const kioskA = o.kiosk.find((k: { centerCode: string }) => k.centerCode === A);
    expect(kioskA).toEqual({ centerCode: A, ratings: [0, 0, 0, 1, 1], rated: 2 });
    const complaintsByService = o.services.reduce(
      (s: number, x: { complaints: number }) => s + x.complaints,
      0,
    );
    expect(complaintsByService).toBe(e.complaints.total);
  });
});

describe('figures stay equal to the records', () => {
  test('report days equal a rebuild from the records, and rollups a recount, after the mixed stream', async () => {
    const Days = reportDayModel(p.conn);
    const reports = reportDays();
    await waitFor(async () => (await reports.refresh()).left === 0 || null, 'marks applied');
    const days = [...new Set((await allDocs()).map((d) => d.day))].sort();
    const before = await Days.find({}).lean();
    const parse = (docs: typeof before) =>
      Object.fromEntries(
        docs
          .filter((d) => days.includes(d._id))
          .map((d) => [d._id, { rows: JSON.parse(d.rows), cases: JSON.parse(d.cases) }]),
      );
    await reports.rebuildDays(days, { remark: false });
    const after = await Days.find({}).lean();
    expect(parse(before)).toEqual(parse(after));
    expect(Object.keys(parse(after)).sort()).toEqual(days);
    const diffs = await rollupDifferences(
      { Feedback: feedbackModel(p.conn), Rollup: p.Rollup },
      days,
    );
    expect(diffs).toEqual([]);
    expect(await rollupCorrectionModel(p.conn).countDocuments()).toBe(0);
  });

  test('a change is in the figures on the next read (the read applies pending marks)', async () => {
    const q = { from: FROM, to: TO, center: A };
    const before = (await tf.agent.get('/api/v1/reports/summary').query(q)).body;
    expect(
      (await patch(tf, codes.edgeNov!, { status: 'resolved', resolutionNote: 'done' })).status,
    ).toBe(200);
    const after = (await tf.agent.get('/api/v1/reports/summary').query(q)).body;
    expect(after.complaints.resolved).toBe(before.complaints.resolved + 1);
    expect(after.complaints.open).toBe(before.complaints.open - 1);
  });
});

describe('report marks during a rolling deploy', () => {
  /** How the previous release's refresh removed the marks it had read (understood or not). */
  const PREVIOUS_RELEASE_UNMARK = `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('hget', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('hdel', KEYS[1], ARGV[i]); n = n + 1
  end
end
return n`;

  /** The previous release's refresh, as far as marks go: it scans `rep:dirty` and removes all it saw. */
  async function previousReleaseRefresh(prefix: string): Promise<number> {
    const key = `${prefix}:rep:dirty`;
    const args: string[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await p.redis.hscan(key, cursor, 'COUNT', 1000);
      cursor = next;
      args.push(...flat);
    } while (cursor !== '0');
    if (!args.length) return 0;
    return Number(await p.redis.eval(PREVIOUS_RELEASE_UNMARK, 1, key, ...args));
  }

  /** Report days on marks of their own (a prefix no request refreshes), writing the same days. */
  function isolated(name: string) {
    return reportDays(`${p.config.queuePrefix}:${name}`);
  }

  /** The platform's own marks applied, so that the days hold the records. */
  async function settle(): Promise<void> {
    const platform = reportDays();
    await waitFor(async () => (await platform.refresh()).left === 0 || null, 'marks applied');
  }

  const dayOf = async (code: string) => (await feedbackModel(p.conn).findById(code).lean())!.day;

  test("a previous release's refresh beside this release's marks loses none of them", async () => {
    await settle();
    const Days = reportDayModel(p.conn);
    const reports = isolated('rolling');
    // b1 is stored by this release's intake (a mark with its day); a1 changed by a replica of the
    // previous release (a mark without). Both days lose the case, as if the change were not in yet.
    const marked = { b1: codes.b1!, a1: codes.a1! };
    const days = { b1: await dayOf(marked.b1), a1: await dayOf(marked.a1) };
    const cases = async (day: string) =>
      JSON.parse((await Days.findById(day).lean())!.cases) as Record<string, unknown>;
    const want = { b1: (await cases(days.b1))[marked.b1], a1: (await cases(days.a1))[marked.a1] };
    expect(want.b1).toBeDefined();
    expect(want.a1).toBeDefined();
    for (const name of ['b1', 'a1'] as const) {
      const c = await cases(days[name]);
      delete c[marked[name]];
      await Days.updateOne({ _id: days[name] }, { $set: { cases: JSON.stringify(c) } });
    }

    await reports.marks.markCases([marked.b1], days.b1);
    await previousReleaseRefresh(`${p.config.queuePrefix}:rolling`);
    await reports.marks.markCases([marked.a1]);

    expect(await reports.refresh()).toEqual({ buckets: 0, cases: 2, days: 2, left: 0 });
    expect((await cases(days.b1))[marked.b1]).toEqual(want.b1);
    expect((await cases(days.a1))[marked.a1]).toEqual(want.a1);
  });

  test('a document marked with and without its day is read and counted once', async () => {
    await settle();
    const reports = isolated('both-marks');
    await reports.marks.markCases([codes.b3!]);
    await reports.marks.markCases([codes.b3!], await dayOf(codes.b3!));
    expect(await reports.refresh()).toEqual({ buckets: 0, cases: 1, days: 1, left: 0 });
  });
});
