/**
 * The public scoreboard on the real servers: a small hand-built set of feedback goes in through the
 * web form API (this month) and through the intake queue as an adapter puts it there (a month
 * about 40 days back, so that due dates have really passed: a late resolution and an overdue
 * complaint, next to one resolved early under a long per-service deadline); staff set kinds and
 * resolve through the staff API. Every figure of `GET /api/v1/public/scoreboard` is checked
 * against what this test computes from its own plan; a center under SCOREBOARD_MIN_RESPONSES
 * carries no figures; neither the JSON nor the page carries a phone number, a Telegram chat id, a
 * tracking code or any submitted text; bad and future months are 422; each month is computed once
 * a minute; the page renders in Chromium in Lao and English at 360 and 1440 px
 * (test-artifacts/scoreboard-<lang>-<width>.png).
 */
import path from 'node:path';
import express from 'express';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { IntakeProducer } from '../services/api/intake-producer';
import { errorHandler, requestId } from '../services/api/middleware/http';
import {
  publicRoutes,
  ScoreboardCache,
  type Scoreboard,
} from '../services/api/routes/public.routes';
import { seedCatalogView, seedCenters } from '../shared/catalog/catalog';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { createLogger } from '../shared/logger';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { serveOnLocalhost, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, startStaffPlatform, submit, type StaffAgent } from './helpers/staff';

const MIN = 3;
const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const C = 'LA-CH';
/** A service with a long deadline (SLA_DAYS_BY_SERVICE below): resolved 40 days on, still on time. */
const LONG = 'land_registration';

const PHONE_IN_TEXT = '020 5550 9876';
const CONTACT_A = '020 5550 4321';
const CONTACT_C = '020 5550 8765';
const CHAT_ID = 880_424_242;
const PHRASE = 'ນົກຍູງສີມ່ວງ purple-pigeon-7731';
const PHRASE_2 = 'ຕັ່ງໄມ້ຫັກສາມໜ່ວຍ broken-bench-4409';

type Kind = 'complaint' | 'praise' | 'other';
/** What staff do with a complaint: resolve it (on time or late, as its deadline says) or leave it. */
type Outcome = 'resolve' | 'leave';
interface Planned {
  name: string;
  month: 'this' | 'past';
  center: string;
  rating?: number;
  text?: string;
  service?: string;
  phone?: string;
  telegram?: boolean;
  kind: Kind;
  outcome?: Outcome;
  /** Whether the complaint's deadline has passed when the test looks (decided by its plan). */
  pastDue?: boolean;
}

const PLAN: Planned[] = [
  // This month, by the web form: five ratings at A (5, 4, 4, 2, 1), two of them complaints.
  { name: 'a1', month: 'this', center: A, rating: 5, kind: 'praise' },
  { name: 'a2', month: 'this', center: A, rating: 4, kind: 'praise' },
  {
    name: 'a3',
    month: 'this',
    center: A,
    rating: 4,
    text: `ບໍລິການໄວ ແຕ່ບ່ອນຈອດລົດບໍ່ພໍ ${PHRASE}`,
    kind: 'complaint',
    outcome: 'leave',
  },
  {
    name: 'a4',
    month: 'this',
    center: A,
    rating: 2,
    text: `ລໍຖ້າ 3 ຊົ່ວໂມງ ໂທຫາຂ້ອຍ ${PHONE_IN_TEXT}`,
    phone: CONTACT_A,
    kind: 'complaint',
    outcome: 'resolve',
  },
  { name: 'a5', month: 'this', center: A, rating: 1, kind: 'complaint', outcome: 'leave' },
  // B: exactly the minimum, one complaint not yet due.
  {
    name: 'b1',
    month: 'this',
    center: B,
    rating: 3,
    text: 'Waited two hours at the counter',
    kind: 'complaint',
    outcome: 'leave',
  },
  { name: 'b2', month: 'this', center: B, rating: 5, kind: 'praise' },
  { name: 'b3', month: 'this', center: B, rating: 4, kind: 'praise' },
  // C: below the minimum, with a phone number in the text and as the contact.
  {
    name: 'c1',
    month: 'this',
    center: C,
    rating: 1,
    text: `ເຈົ້າໜ້າທີ່ຂໍເງິນເພີ່ມ ${PHRASE_2} call ${PHONE_IN_TEXT}`,
    phone: CONTACT_C,
    kind: 'complaint',
    outcome: 'leave',
  },
  { name: 'c2', month: 'this', center: C, rating: 2, kind: 'complaint', outcome: 'leave' },
  // About 40 days back, through the queue: a late resolution, an overdue Telegram complaint, and
  // one resolved within the long deadline of its service.
  {
    name: 'p1',
    month: 'past',
    center: A,
    rating: 2,
    text: 'Nobody called me back about the permit',
    kind: 'complaint',
    outcome: 'resolve',
    pastDue: true,
  },
  {
    name: 'p2',
    month: 'past',
    center: A,
    telegram: true,
    text: `ຍັງລໍຖ້າຢູ່ ${PHRASE}`,
    kind: 'complaint',
    outcome: 'leave',
    pastDue: true,
  },
  {
    name: 'p3',
    month: 'past',
    center: A,
    rating: 1,
    service: LONG,
    text: 'The land title is still not ready',
    kind: 'complaint',
    outcome: 'resolve',
  },
  { name: 'p4', month: 'past', center: A, rating: 5, service: LONG, kind: 'praise' },
  { name: 'p5', month: 'past', center: C, rating: 4, kind: 'praise' },
];

/** The scoreboard line this test expects for a center and month, from the plan alone. */
function expectedLine(center: string, month: 'this' | 'past') {
  const items = PLAN.filter((x) => x.center === center && x.month === month);
  const rated = items.filter((x) => x.rating !== undefined);
  const enough = items.length >= MIN;
  const cases = items.filter((x) => x.kind === 'complaint');
  const onTime = cases.filter((x) => x.outcome === 'resolve' && !x.pastDue).length;
  const late = cases.filter((x) => x.outcome === 'resolve' && x.pastDue).length;
  const overdue = cases.filter((x) => x.outcome === 'leave' && x.pastDue).length;
  const seed = seedCenters.find((c) => c.code === center)!;
  return {
    centerCode: center,
    name: { lo: seed.name.lo, en: seed.name.en },
    province: seed.province,
    responses: items.length,
    enoughResponses: enough,
    ratingAvg:
      enough && rated.length ? rated.reduce((s, x) => s + x.rating!, 0) / rated.length : null,
    satisfiedShare:
      enough && rated.length ? rated.filter((x) => x.rating! >= 4).length / rated.length : null,
    resolvedOnTimeShare:
      enough && onTime + late + overdue ? onTime / (onTime + late + overdue) : null,
  };
}

/** YYYY-MM of a moment in Vientiane (UTC+7), computed here rather than by the project. */
const vientianeMonth = (t: number) => new Date(t + 7 * 3600_000).toISOString().slice(0, 7);
const shiftMonth = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
};

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let admin: StaffAgent;
const codes: Record<string, string> = {};
let thisMonth: string;
let pastMonth: string;

const patch = (s: StaffAgent, code: string, body: object) =>
  s.agent.patch(`/api/v1/feedback/${code}`).set('X-CSRF-Token', s.csrf).send(body);

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('scoreboard', {
    SCOREBOARD_MIN_RESPONSES: String(MIN),
    SLA_DAYS_BY_SERVICE: `${LONG}=200`,
  }));
  await makeUser(p, 'admin@odsc.gov.la', 'admin');
  admin = await signIn(p.app, 'admin@odsc.gov.la');

  for (const x of PLAN.filter((i) => i.month === 'this')) {
    codes[x.name] = await submit(p, {
      centerCode: x.center,
      rating: x.rating,
      text: x.text,
      ...(x.service ? { serviceCode: x.service } : {}),
      ...(x.phone ? { contact: { phone: x.phone, consentToContact: true } } : {}),
    });
  }
  // 40 days back: more than 15 working days whatever holidays fall in between.
  const past = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const producer = new IntakeProducer(p.queue, p.redis, p.codes, p.config.queuePrefix);
  let n = 0;
  for (const x of PLAN.filter((i) => i.month === 'past')) {
    const env: IntakeEnvelope = {
      v: 1,
      channel: x.telegram ? 'telegram' : 'web',
      externalId: x.telegram ? `${CHAT_ID}:${++n}` : `scoreboard-past-${++n}`,
      receivedAt: past,
      sender: x.telegram
        ? {
            kind: 'telegram',
            id: p.vault.encrypt(String(CHAT_ID), 'telegram'),
            consentToContact: true,
          }
        : { kind: 'anonymous', consentToContact: false },
      text: x.text,
      rating: x.rating,
      centerCode: x.center,
      serviceCode: x.service,
      locale: 'lo',
      meta: {},
    };
    codes[x.name] = await producer.enqueue(env);
    await p.counted(codes[x.name]!);
  }

  // Staff make every kind explicit, then resolve what the plan resolves.
  for (const x of PLAN)
    expect((await patch(admin, codes[x.name]!, { kind: x.kind })).status).toBe(200);
  for (const x of PLAN.filter((i) => i.outcome === 'resolve'))
    expect(
      (
        await patch(admin, codes[x.name]!, {
          status: 'resolved',
          resolutionNote: 'ແກ້ໄຂແລ້ວ / fixed',
        })
      ).status,
    ).toBe(200);

  thisMonth = vientianeMonth(Date.now());
  pastMonth = vientianeMonth(Date.parse(past));
  // The plan's months and deadlines are what the records say (else the expectations are wrong).
  for (const x of PLAN) {
    const doc = (await p.Feedback.findById(codes[x.name]!.replace('-', '')).lean())!;
    expect({ name: x.name, month: doc.month }).toEqual({
      name: x.name,
      month: x.month === 'this' ? thisMonth : pastMonth,
    });
    if (x.kind === 'complaint')
      expect({ name: x.name, pastDue: doc.slaDueAt!.getTime() < Date.now() }).toEqual({
        name: x.name,
        pastDue: !!x.pastDue,
      });
  }
}, 180_000);

afterAll(async () => {
  await closePlatform?.();
});

const scoreboard = (month?: string) =>
  request(p.app)
    .get('/api/v1/public/scoreboard')
    .query(month ? { month } : {});

describe('GET /api/v1/public/scoreboard', () => {
  test('this month: each center exactly as computed from what was sent, with the cache headers', async () => {
    const res = await scoreboard(thisMonth);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body.month).toBe(thisMonth);
    expect(res.body.minResponses).toBe(MIN);
    const line = (code: string) =>
      (res.body.centers as { centerCode: string }[]).find((c) => c.centerCode === code);
    // A: ratings 5 4 4 2 1; one complaint resolved (on time), two open and not yet due.
    expect(line(A)).toEqual(expectedLine(A, 'this'));
    expect(line(A)).toMatchObject({ ratingAvg: 3.2, satisfiedShare: 0.6, resolvedOnTimeShare: 1 });
    // B: at the minimum exactly; its one complaint is not due, so there is no on-time share yet.
    expect(line(B)).toEqual(expectedLine(B, 'this'));
    expect(line(B)).toMatchObject({
      responses: 3,
      enoughResponses: true,
      resolvedOnTimeShare: null,
    });
    // C: below the minimum: counted, but no figures at all.
    expect(line(C)).toEqual(expectedLine(C, 'this'));
    expect(line(C)).toMatchObject({
      responses: 2,
      enoughResponses: false,
      ratingAvg: null,
      satisfiedShare: null,
      resolvedOnTimeShare: null,
    });
    // Every center of the catalog is listed; the ones nobody wrote about show zero and no figures.
    expect((res.body.centers as { centerCode: string }[]).map((c) => c.centerCode).sort()).toEqual(
      seedCenters.map((c) => c.code).sort(),
    );
    for (const c of res.body.centers as ReturnType<typeof expectedLine>[]) {
      if ([A, B, C].includes(c.centerCode)) continue;
      expect(c).toEqual(expectedLine(c.centerCode, 'this'));
      expect(c.responses).toBe(0);
    }
  });

  test('the past month: a late resolution and an overdue complaint count against the on-time share', async () => {
    const res = await scoreboard(pastMonth);
    expect(res.status).toBe(200);
    const line = (code: string) =>
      (res.body.centers as { centerCode: string }[]).find((c) => c.centerCode === code);
    // A: ratings 2 1 5 (and a Telegram message without one); on time 1 of 3 decided.
    expect(line(A)).toEqual(expectedLine(A, 'past'));
    expect(line(A)).toMatchObject({
      responses: 4,
      ratingAvg: 8 / 3,
      satisfiedShare: 1 / 3,
      resolvedOnTimeShare: 1 / 3,
    });
    expect(line(C)).toEqual(expectedLine(C, 'past'));
    expect(line(B)).toEqual(expectedLine(B, 'past'));
  });

  test('without a month: the last complete month in Vientiane', async () => {
    const res = await scoreboard();
    expect(res.status).toBe(200);
    expect(res.body.month).toBe(shiftMonth(vientianeMonth(Date.now()), -1));
  });

  test.each([
    ['2026-13', /YYYY-MM/],
    ['2026-1', /YYYY-MM/],
    ['november', /YYYY-MM/],
    ['1999-12', /2000-01 or later/],
  ])('month=%s is 422 with the error shape', async (month, message) => {
    const res = await scoreboard(month);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: [{ field: 'month', message: expect.stringMatching(message) }],
        requestId: res.headers['x-request-id'],
      },
    });
  });

  test('a month that has not begun is 422, the current one is not', async () => {
    const next = shiftMonth(vientianeMonth(Date.now()), 1);
    const res = await scoreboard(next);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The month is in the future.',
      details: [{ field: 'month' }],
    });
    expect((await scoreboard(shiftMonth(next, 12))).status).toBe(422);
    expect((await scoreboard(vientianeMonth(Date.now()))).status).toBe(200);
  });
});

describe('no personal data, no free text', () => {
  /** Everything a citizen sent that identifies them or is theirs to say. */
  const secrets = () => {
    const digits = (s: string) => s.replace(/\D/g, '').replace(/^0/, '');
    const out = [PHRASE, PHRASE_2, 'purple-pigeon', 'broken-bench', String(CHAT_ID)];
    for (const phone of [PHONE_IN_TEXT, CONTACT_A, CONTACT_C])
      out.push(phone, digits(phone), `+856${digits(phone)}`, phone.slice(4));
    for (const x of PLAN) if (x.text) out.push(x.text, x.text.slice(0, 20));
    for (const code of Object.values(codes)) {
      const canonical = code.replace('-', '');
      out.push(canonical, `${canonical.slice(0, 5)}-${canonical.slice(5)}`);
    }
    return out;
  };

  test('the JSON and the page, in both languages and sorts, carry none of it', async () => {
    const bodies: string[] = [];
    for (const month of [thisMonth, pastMonth]) {
      const json = await scoreboard(month);
      expect(json.status).toBe(200);
      bodies.push(json.text);
      // Only the figures' fields: nothing that could hold a text or an identifier.
      for (const c of json.body.centers as Record<string, unknown>[])
        expect(Object.keys(c).sort()).toEqual(
          [
            'centerCode',
            'enoughResponses',
            'name',
            'province',
            'ratingAvg',
            'resolvedOnTimeShare',
            'responses',
            'satisfiedShare',
          ].sort(),
        );
      for (const q of [{}, { lang: 'en' }, { sort: 'satisfaction' }]) {
        const html = await request(p.app)
          .get('/scoreboard')
          .query({ month, ...q });
        expect(html.status).toBe(200);
        bodies.push(html.text);
      }
    }
    // The texts went in: the feedback documents hold them (so the check below means something).
    for (const name of ['a3', 'p2'])
      expect(
        (await p.Feedback.findById(codes[name]!.replace('-', '')).lean())?.text?.raw,
      ).toContain(PHRASE);
    for (const body of bodies) {
      const found = secrets().filter((s) => body.includes(s));
      expect(found).toEqual([]);
    }
  });
});

describe('the page (server-rendered HTML)', () => {
  const rowOf = (html: string, code: string) =>
    new RegExp(`<tr data-center="${code}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
  const order = (html: string) =>
    [...html.matchAll(/<tr data-center="([^"]+)">/g)].map((m) => m[1]!);

  test('Lao first: figures in Lao number format, "not enough responses" below the minimum', async () => {
    const res = await request(p.app).get('/scoreboard').query({ month: thisMonth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.text).toContain('<html lang="lo">');
    expect(res.text).toMatch(/<caption id="scoreboard-caption">ຕົວເລກຂອງແຕ່ລະສູນບໍລິການ, ເດືອນ/);
    expect(res.text.match(/<th scope="col"/g)).toHaveLength(5);
    expect(res.text.match(/<th scope="row"/g)).toHaveLength(seedCenters.length);
    const a = rowOf(res.text, A);
    expect(a).toContain('ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ');
    expect(a).toContain('>5</td>');
    expect(a).toContain('60%');
    expect(a).toContain('3,2&nbsp;/&nbsp;5');
    expect(a).toContain('100%');
    expect(rowOf(res.text, B)).toContain('ຍັງບໍ່ຄົບກຳນົດ');
    expect(rowOf(res.text, B)).toContain('67%');
    const c = rowOf(res.text, C);
    expect(c).toContain('>2</td>');
    expect(c).toContain('ບໍ່ມີຄຳຕອບພຽງພໍ');
    expect(c).not.toContain('%');
    // The minimum is stated, and each figure is explained.
    expect(res.text).toContain(`ສູນທີ່ໄດ້ຮັບໜ້ອຍກວ່າ ${MIN} ຄຳຕອບໃນເດືອນ`);
    for (const id of ['def-responses', 'def-satisfied', 'def-on-time', 'def-minimum'])
      expect(res.text).toContain(`id="${id}"`);
  });

  test('English, and sorted by satisfaction: most satisfied first, not enough last', async () => {
    const res = await request(p.app).get('/scoreboard').query({ month: pastMonth, lang: 'en' });
    expect(res.text).toContain('<html lang="en">');
    const a = rowOf(res.text, A);
    expect(a).toContain('Xaysetha district ODSC');
    expect(a).toContain('33%');
    expect(a).toContain('2.7&nbsp;/&nbsp;5');
    expect(rowOf(res.text, C)).toContain('not enough responses');

    const sorted = await request(p.app)
      .get('/scoreboard')
      .query({ month: thisMonth, lang: 'en', sort: 'satisfaction' });
    // B 2/3 satisfied, A 3/5; then everyone below the minimum, by name.
    expect(order(sorted.text).slice(0, 2)).toEqual([B, A]);
    const byName = await request(p.app).get('/scoreboard').query({ month: thisMonth, lang: 'en' });
    const names = order(byName.text).map((code) => seedCenters.find((c) => c.code === code)!.name);
    expect(names.map((n) => n.en)).toEqual(
      [...names.map((n) => n.en)].sort((x, y) => x.localeCompare(y, 'en-GB')),
    );
    expect(order(sorted.text).slice(2)).toEqual(
      order(byName.text).filter((c) => c !== A && c !== B),
    );
  });

  test('a bad or future month answers 422 in the page language, with the month selector', async () => {
    const next = shiftMonth(vientianeMonth(Date.now()), 1);
    const lo = await request(p.app).get('/scoreboard').query({ month: next });
    expect(lo.status).toBe(422);
    expect(lo.text).toContain(`ບໍ່ສາມາດສະແດງເດືອນ &quot;${next}&quot;`);
    expect(lo.text).toContain('<select id="month" name="month">');
    expect(lo.text).not.toContain('<table');
    const en = await request(p.app).get('/scoreboard').query({ month: '2026-13', lang: 'en' });
    expect(en.status).toBe(422);
    expect(en.text).toContain('The month &quot;2026-13&quot; cannot be shown');
  });
});

describe('each month is computed once a minute', () => {
  const board = (month: string): Scoreboard => ({ month, minResponses: MIN, centers: [] });

  test('ScoreboardCache: shared while running, kept 60 s, failures not kept', async () => {
    let t = 1_000_000;
    const calls: string[] = [];
    let fail = false;
    const cache = new ScoreboardCache(
      async (m) => {
        calls.push(m);
        if (fail) throw new Error('database down');
        return board(m);
      },
      () => t,
    );
    const [x, y] = await Promise.all([cache.get('2026-10'), cache.get('2026-10')]);
    expect(x).toBe(y);
    t += 59_999;
    await cache.get('2026-10');
    expect(calls).toEqual(['2026-10']);
    await cache.get('2026-09');
    expect(calls).toEqual(['2026-10', '2026-09']);
    t += 1;
    await cache.get('2026-10');
    expect(calls).toEqual(['2026-10', '2026-09', '2026-10']);
    fail = true;
    t += 60_000;
    await expect(cache.get('2026-10')).rejects.toThrow('database down');
    fail = false;
    await expect(cache.get('2026-10')).resolves.toEqual(board('2026-10'));
    expect(calls).toHaveLength(5);
  });

  test('the API and the page share one computation per month per minute', async () => {
    let t = Date.parse('2026-11-15T05:00:00Z');
    const asked: [string, number][] = [];
    const app = express();
    app.use(requestId);
    app.use(
      publicRoutes({
        figures: {
          scoreboard: async (month, min) => {
            asked.push([month, min]);
            return board(month);
          },
        },
        catalog: async () => seedCatalogView(),
        minResponses: MIN,
        complaintSlaDays: 15,
        now: () => t,
      }),
    );
    app.use(errorHandler(createLogger('test', 'silent')));
    for (let i = 0; i < 3; i++) {
      expect((await request(app).get('/api/v1/public/scoreboard?month=2026-10')).status).toBe(200);
      expect((await request(app).get('/scoreboard?month=2026-10&lang=en')).status).toBe(200);
    }
    // The default month is the last complete one at the injected clock.
    expect((await request(app).get('/api/v1/public/scoreboard')).body.month).toBe('2026-10');
    expect(asked).toEqual([['2026-10', MIN]]);
    t += 60_000;
    await request(app).get('/scoreboard?month=2026-10');
    expect(asked).toEqual([
      ['2026-10', MIN],
      ['2026-10', MIN],
    ]);
    // A Vientiane month begins at 17:00 UTC the day before: 2026-12 is no longer "the future".
    t = Date.parse('2026-11-30T16:59:59Z');
    expect((await request(app).get('/api/v1/public/scoreboard?month=2026-12')).status).toBe(422);
    t = Date.parse('2026-11-30T17:00:00Z');
    expect((await request(app).get('/api/v1/public/scoreboard?month=2026-12')).status).toBe(200);
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  let base: string;
  let closeServer: () => Promise<void>;

  beforeAll(async () => {
    ({ base, close: closeServer } = await serveOnLocalhost(p.app));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
  });

  const cases: ['lo' | 'en', number][] = [
    ['lo', 360],
    ['lo', 1440],
    ['en', 360],
    ['en', 1440],
  ];
  test.each(cases)(
    '%s at %i px: readable, no sideways scrolling, screenshot',
    async (lang, width) => {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${base}/scoreboard?month=${thisMonth}${lang === 'en' ? '&lang=en' : ''}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await page.screenshot({
        path: path.join(ARTIFACTS, `scoreboard-${lang}-${width}.png`),
        fullPage: true,
      });
      const caption = lang === 'lo' ? /^ຕົວເລກຂອງແຕ່ລະສູນບໍລິການ/ : /^Figures for each service center/;
      const table = page.getByRole('table', { name: caption });
      await expect(table.isVisible()).resolves.toBe(true);
      const a = table.locator(`tr[data-center="${A}"]`);
      await expect(a.getByRole('rowheader').textContent()).resolves.toContain(
        lang === 'lo' ? 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ' : 'Xaysetha district ODSC',
      );
      await expect(a.locator('[data-figure="satisfaction"]').textContent()).resolves.toMatch(
        lang === 'lo' ? /^60%.*3,2\s\/\s5$/ : /^60%.*3\.2\s\/\s5$/,
      );
      await expect(
        table.locator(`tr[data-center="${C}"] [data-figure="not-enough"]`).textContent(),
      ).resolves.toBe(lang === 'lo' ? 'ບໍ່ມີຄຳຕອບພຽງພໍ' : 'not enough responses');
      // Nothing wider than the screen: neither the page nor the table scrolls sideways.
      const widths = await page.evaluate(() => {
        const wrap = document.querySelector('.table-wrap')!;
        return {
          page: document.documentElement.scrollWidth,
          view: window.innerWidth,
          wrapScroll: wrap.scrollWidth,
          wrapClient: wrap.clientWidth,
        };
      });
      expect(widths.page).toBeLessThanOrEqual(widths.view);
      expect(widths.wrapScroll).toBeLessThanOrEqual(widths.wrapClient);
      // Lao text is drawn with a Lao font, not boxes: ask Chromium which platform font it used.
      const cdp = await context.newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument');
      const { nodeId } = await cdp.send('DOM.querySelector', {
        nodeId: root.nodeId,
        selector: `tr[data-center="${A}"] th`,
      });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      expect(fonts.some((f) => /Lao|Phetsarath|Saysettha/i.test(f.familyName))).toBe(true);
      await context.close();
    },
  );

  test('the month and sort selectors work without JavaScript and keep the language', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 360, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${base}/scoreboard?month=${thisMonth}`);
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Month').selectOption(pastMonth);
    await page.getByLabel('Sort by').selectOption('satisfaction');
    await page.getByRole('button', { name: 'Show' }).click();
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      lang: 'en',
      month: pastMonth,
      sort: 'satisfaction',
    });
    expect(await page.getAttribute('tbody tr:first-child', 'data-center')).toBe(A);
    await expect(
      page.locator(`tr[data-center="${A}"] [data-figure="on-time"]`).textContent(),
    ).resolves.toBe('33%');
    await context.close();
  });
});
