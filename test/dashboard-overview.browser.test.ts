/**
 * The dashboard's overview screen in a real browser (Debian Chromium) against the real api,
 * worker, MongoDB/FerretDB and Redis. A small data set goes in through the real pipeline — the web
 * form, two paired kiosks (answers back-dated within the period and into the period before), a
 * complaint answered by SMS and resolved through the staff API, another one past its deadline —
 * and the test computes the headline figures itself from that list (and the complaints' status
 * from their documents), then checks the screen shows the same: the headline cards and their
 * change against the previous period, a chart's table, the province grid, the league table sorted
 * from the keyboard, the channel filter in the address, a center manager's narrower view.
 * Screenshots in Lao and English at 360 and 1440 px go to
 * test-artifacts/dashboard-overview-<lo|en>-<360|1440>.png.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { KioskDevices } from '../shared/kiosk-devices';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { ReportMarks } from '../shared/reports/report-days';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry } from '../shared/staff/queue-query';
import { parseTrackingCode } from '../shared/tracking-code';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { serveOnLocalhost, type TestPlatform } from './helpers/platform';
import {
  makeUser,
  PASSWORD,
  signIn,
  startStaffPlatform,
  submit,
  type StaffAgent,
} from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const LP = 'LA-LP';
const DAY = 86_400_000;
const WIDE = { width: 1440, height: 900 };
const PHONE_SIZE = { width: 360, height: 780 };

/** One piece of feedback as the test put it in: what every headline figure is computed from. */
interface Given {
  code: string;
  channel: 'web' | 'kiosk';
  center: string;
  rating: number;
  /** Days before now (0: now); 40 falls in the period before the last 30 days. */
  ago: number;
}

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
let tf: StaffAgent;
const given: Given[] = [];
/** The complaint answered and resolved, and the one left past its deadline. */
let resolvedCode: string;
let lateCode: string;
const pageErrors: string[] = [];
afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

async function web(body: Record<string, unknown>, center: string, rating: number) {
  const code = await submit(p, { centerCode: center, rating, ...body });
  given.push({ code, channel: 'web', center, rating, ago: 0 });
  return code;
}

async function kiosk(center: string, answers: { rating: number; ago: number; more?: object }[]) {
  const devices = new KioskDevices(kioskDeviceModel(p.conn), p.redis, p.config.queuePrefix, 3600);
  const { code, deviceId } = await devices.create(center);
  // A tablet in service for a long time (responses may be dated back only to its last sync).
  await kioskDeviceModel(p.conn).collection.updateOne(
    { _id: deviceId as never },
    { $set: { createdAt: new Date(Date.now() - 400 * DAY) } },
  );
  const paired = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code });
  expect(paired.status).toBe(200);
  const responses = answers.map((a, i) => ({
    id: randomUUID(),
    rating: a.rating,
    createdAt: new Date(Date.now() - a.ago * DAY - i * 5000).toISOString(),
    ...a.more,
  }));
  const res = await request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${paired.body.deviceToken}`)
    .send({ responses });
  expect(res.body.accepted).toHaveLength(answers.length);
  for (const [i, r] of responses.entries()) {
    const trackingCode = p.codes.derive('kiosk', r.id);
    await p.counted(trackingCode);
    given.push({
      code: trackingCode,
      channel: 'kiosk',
      center,
      rating: r.rating,
      ago: answers[i]!.ago,
    });
  }
}

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('dashov'));
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]);
  tf = await signIn(p.app, 'tf@odsc.gov.la');

  resolvedCode = await web(
    {
      serviceCode: 'land_registration',
      text: 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ ຢູ່ຫ້ອງການທີ່ດິນ',
      contact: { phone: '020 5550 4411', consentToContact: true },
    },
    A,
    2,
  );
  lateCode = await web(
    { serviceCode: 'vehicle_registration', text: 'ຄ່າທຳນຽມແພງກວ່າທີ່ປະກາດໄວ້ 50000 ກີບ' },
    A,
    1,
  );
  await web({ serviceCode: 'family_book', text: 'ຂອບໃຈຫຼາຍ ພະນັກງານບໍລິການດີ ໄວ' }, LP, 5);
  await web({}, LP, 4);
  await kiosk(LP, [
    { rating: 5, ago: 3 },
    { rating: 5, ago: 3 },
    { rating: 4, ago: 3 },
    { rating: 2, ago: 10 },
    { rating: 1, ago: 10, more: { topics: ['waiting_time'], service: 'land_registration' } },
    // The period before the last 30 days, for the changes.
    { rating: 5, ago: 40 },
    { rating: 1, ago: 40 },
  ]);
  await kiosk(A, [
    { rating: 5, ago: 1 },
    { rating: 1, ago: 1, more: { topics: ['fees'] } },
  ]);

  // The complaint with a phone number: answered by SMS, then resolved, through the staff API.
  const reply = await tf.agent
    .post(`/api/v1/feedback/${resolvedCode}/replies`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ text: 'ຂໍອະໄພ, ພວກເຮົາກຳລັງກວດເບິ່ງ.' });
  expect(reply.status).toBe(202);
  const resolved = await tf.agent
    .patch(`/api/v1/feedback/${resolvedCode}`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ status: 'resolved', resolutionNote: 'ໄດ້ລົມກັບເຈົ້າໜ້າທີ່ແລ້ວ.' });
  expect(resolved.status).toBe(200);
  await pastDeadline(lateCode);

  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await closePlatform?.();
});

/** Moves a complaint's deadline 30 hours into the past, and tells the reports it changed. */
async function pastDeadline(code: string): Promise<void> {
  const id = parseTrackingCode(code)!;
  await p.Feedback.updateOne(
    { _id: id },
    { $set: { slaDueAt: new Date(Date.now() - 30 * 3600e3) } },
  );
  const doc = await p.Feedback.findById(id).lean<FeedbackDoc>();
  await new QueueIndex(p.redis, p.config.queuePrefix).put(queueEntry(doc!));
  await new ReportMarks(p.redis, p.config.queuePrefix).markCases([id]);
}

// ---- the figures, computed here from what was put in ------------------------------------------

const pct1 = (n: number, d: number) => (d ? `${((n / d) * 100).toFixed(1)}%` : '—');
const avg2 = (sum: number, n: number) => (n ? (sum / n).toFixed(2) : '—');

function expected(filter: (g: Given) => boolean = () => true) {
  const now = given.filter((g) => g.ago < 30 && filter(g));
  const before = given.filter((g) => g.ago >= 30 && g.ago < 60 && filter(g));
  const sum = (xs: Given[]) => xs.reduce((a, g) => a + g.rating, 0);
  const happy = (xs: Given[]) => xs.filter((g) => g.rating >= 4).length;
  return {
    received: String(now.length),
    ratingAvg: avg2(sum(now), now.length),
    satisfiedShare: pct1(happy(now), now.length),
    receivedChange: now.length - before.length,
    shareChangePoints: (happy(now) / now.length - happy(before) / before.length) * 100,
  };
}

/** Complaints of the last 30 days from their documents: open, overdue, resolved. */
async function complaints() {
  const docs = await Promise.all(
    given
      .filter((g) => g.ago < 30)
      .map((g) => p.Feedback.findById(parseTrackingCode(g.code)).lean<FeedbackDoc>()),
  );
  const cases = docs.filter(
    (d) => d!.kind?.code === 'complaint' && !['spam', 'duplicate'].includes(d!.staffStatus ?? ''),
  );
  const open = cases.filter((d) =>
    ['new', 'triaged', 'in_progress'].includes(d!.staffStatus ?? ''),
  );
  return {
    total: cases.length,
    open: open.length,
    overdue: open.filter((d) => d!.slaDueAt && d!.slaDueAt.getTime() < Date.now()).length,
    // A rating-only kiosk complaint is stored closed: not open, and not resolved (no resolution).
    resolved: cases.filter(
      (d) => ['resolved', 'closed'].includes(d!.staffStatus ?? '') && d!.resolvedAt,
    ).length,
  };
}

// ---- the browser ----------------------------------------------------------------------------

async function open(
  lang: 'lo' | 'en',
  viewport = WIDE,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'lo-LA' });
  await context.addInitScript((l) => localStorage.setItem('odsc.dashboard.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A CSP refusal (a chart library reaching for a CDN or an inline script) is a console error.
  page.on('console', (m) => {
    // (The 401 of /auth/me before logging in is the login page's normal start.)
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      pageErrors.push(m.text());
  });
  return { context, page };
}

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector('[data-screen=queue]');
}

/** Waits until the figures on screen answer the address's query. */
async function shown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLElement>('[data-screen=overview]');
    return el?.getAttribute('aria-busy') === 'false' && el.dataset.loaded === location.search;
  });
}

const figure = (page: Page, key: string) => page.textContent(`[data-figure=${key}] .figure-value`);
const change = (page: Page, key: string) => page.textContent(`[data-figure=${key}] .change-value`);
const leagueOrder = (page: Page) =>
  page
    .locator('.league-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.center));
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

describe('the overview', () => {
  test('headline figures equal the ones computed from the data put in; changes against the period before', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    // The first item of the menu.
    const first = page.locator('.nav a').first();
    expect(await first.textContent()).toBe('Overview');
    await first.click();
    await page.waitForSelector('[data-screen=overview]');
    await shown(page);
    expect(new URL(page.url()).pathname).toBe('/dashboard/overview');

    const e = expected();
    expect(e.received).toBe('11');
    expect(await figure(page, 'received')).toBe(e.received);
    expect(await figure(page, 'ratingAvg')).toBe(e.ratingAvg);
    expect(await figure(page, 'satisfiedShare')).toBe(e.satisfiedShare);
    expect(await change(page, 'received')).toBe(`▲ +${e.receivedChange}`);
    expect(await change(page, 'satisfiedShare')).toBe(`▲ +${e.shareChangePoints.toFixed(1)} pp`);

    const c = await complaints();
    // The two web complaints and the kiosk's 1-smiley answers at least.
    expect(c.total).toBeGreaterThanOrEqual(4);
    expect(c).toMatchObject({ overdue: 1, resolved: 1 });
    expect(await figure(page, 'open')).toBe(String(c.open));
    expect(await figure(page, 'overdue')).toBe('1');
    expect(await figure(page, 'resolved')).toBe('1');
    expect(await page.textContent('[data-figure=open] .figure-sub')).toBe(
      `of ${c.total} complaints`,
    );
    // Replied and resolved the same working day; one resolved on time, one open past its due time.
    expect(await figure(page, 'firstReply')).toBe('0');
    expect(await figure(page, 'resolution')).toBe('0');
    expect(await figure(page, 'onTime')).toBe('50.0%');
    // No citizen has rated a resolution yet: no data, not 0.
    expect(await figure(page, 'resolutionSatisfaction')).toBe('—');
    // Nothing to compare in the period before (no complaints then).
    expect(await change(page, 'onTime')).toBe('—');

    // The charts were drawn (pixels on the canvas), each with a name saying what it shows.
    for (const id of ['volume', 'channels', 'services', 'topics', 'kiosk']) {
      const canvas = page.locator(`[data-chart=${id}] canvas`);
      expect(await canvas.getAttribute('role')).toBe('img');
      expect((await canvas.getAttribute('aria-label'))!.length).toBeGreaterThan(10);
      const inked = await canvas.evaluate((el) => {
        const cv = el as HTMLCanvasElement;
        const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(500);
    }
    await context.close();
  });

  test("a chart's table shows the same figures; the province grid prints its values", async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    await page.goto(`${base}/dashboard/overview`);
    await shown(page);

    const toggle = page.locator('[data-chart=channels] .table-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.isVisible('#table-channels')).toBe(false);
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.isVisible('#table-channels')).toBe(true);
    const rows = await page
      .locator('#table-channels tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    const web = given.filter((g) => g.ago < 30 && g.channel === 'web').length;
    const kioskN = given.filter((g) => g.ago < 30 && g.channel === 'kiosk').length;
    const all = web + kioskN;
    expect(rows).toEqual([
      ['Kiosk', String(kioskN), pct1(kioskN, all)],
      ['Web form', String(web), pct1(web, all)],
    ]);

    // The volume table's days add up to the headline.
    await page.click('[data-chart=volume] .table-toggle');
    const perDay = await page.locator('#table-volume tbody tr td:nth-child(2)').allTextContents();
    expect(perDay).toHaveLength(30);
    expect(perDay.reduce((a, n) => a + Number(n), 0)).toBe(all);

    // Kiosk answers per center: counts per smiley.
    await page.click('[data-chart=kiosk] .table-toggle');
    const lp = await page.locator('#table-kiosk tr[data-key="LA-LP"] > *').allTextContents();
    const lpKiosk = given.filter((g) => g.ago < 30 && g.channel === 'kiosk' && g.center === LP);
    const n = (r: number) => String(lpKiosk.filter((g) => g.rating === r).length);
    expect(lp.slice(1)).toEqual([
      String(lpKiosk.length),
      n(1),
      n(2),
      n(4),
      n(5),
      pct1(lpKiosk.filter((g) => g.rating >= 4).length, lpKiosk.length),
    ]);

    // Provinces: the value printed on the tile (never colour alone), "—" where nothing came in.
    const inProvince = (prov: string) =>
      given.filter((g) => g.ago < 30 && g.center.startsWith(prov));
    const share = (xs: Given[]) => pct1(xs.filter((g) => g.rating >= 4).length, xs.length);
    expect(await page.textContent('[data-province="LA-LP"] .tile-value')).toBe(
      share(inProvince('LA-LP')),
    );
    expect(await page.textContent('[data-province="LA-VT"] .tile-value')).toBe(
      share(inProvince('LA-VT')),
    );
    expect(await page.textContent('[data-province="LA-AT"] .tile-value')).toBe('—');
    expect(await page.locator('.province-grid > li').count()).toBe(18);
    await context.close();
  });

  test('the league table sorts from the keyboard, with aria-sort', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'tf@odsc.gov.la');
    await page.goto(`${base}/dashboard/overview`);
    await shown(page);
    // Most feedback first: LP (web 2, kiosk 5) before A (web 2, kiosk 2).
    expect(await leagueOrder(page)).toEqual([LP, A]);
    const received = page.locator('.league-table th[data-sort=received]');
    expect(await received.getAttribute('aria-sort')).toBe('descending');

    await received.locator('button').focus();
    await page.keyboard.press('Enter');
    expect(await received.getAttribute('aria-sort')).toBe('ascending');
    expect(await leagueOrder(page)).toEqual([A, LP]);

    // Complaints, most first, by Tab and Space from the heading before it.
    await page.keyboard.press('Tab'); // change
    await page.keyboard.press('Tab'); // rating average
    await page.keyboard.press('Tab'); // rated 4–5
    await page.keyboard.press('Tab'); // complaints
    await page.keyboard.press('Space');
    const complaintsTh = page.locator('.league-table th[data-sort=complaints]');
    expect(await complaintsTh.getAttribute('aria-sort')).toBe('descending');
    expect(await received.getAttribute('aria-sort')).toBe('none');
    const counts = await page
      .locator('.league-table tbody td[data-field=complaints]')
      .allTextContents();
    expect(counts.map(Number)).toEqual([...counts.map(Number)].sort((a, b) => b - a));
    // Lao first: the heading reads in Lao.
    expect(await complaintsTh.textContent()).toContain('ຄຳຮ້ອງທຸກ');

    // The centers with nothing fold under a button; opened, every active center is listed.
    await page.click('.league .link-button');
    expect((await leagueOrder(page)).length).toBeGreaterThan(18);
    await context.close();
  });

  test('the channel filter changes the figures and lives in the address', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    await page.goto(`${base}/dashboard/overview`);
    await shown(page);
    await page.selectOption('#o-channel', 'kiosk');
    await page.waitForURL(/channel=kiosk/);
    await shown(page);
    const k = expected((g) => g.channel === 'kiosk');
    expect(await figure(page, 'received')).toBe(k.received);
    expect(await figure(page, 'ratingAvg')).toBe(k.ratingAvg);
    expect(await figure(page, 'satisfiedShare')).toBe(k.satisfiedShare);
    expect(k.received).not.toBe(expected().received);

    // The address is the view: opened anew, web only.
    const url = new URL(page.url());
    url.searchParams.set('channel', 'web');
    await page.goto(url.toString());
    await shown(page);
    expect(await page.inputValue('#o-channel')).toBe('web');
    const w = expected((g) => g.channel === 'web');
    expect(await figure(page, 'received')).toBe(w.received);
    expect(await figure(page, 'ratingAvg')).toBe(w.ratingAvg);

    // Last 7 days: only what came in since.
    await page.selectOption('#o-period', '7d');
    await page.waitForURL(/period=7d/);
    await shown(page);
    expect(await figure(page, 'received')).toBe(
      String(given.filter((g) => g.channel === 'web' && g.ago < 7).length),
    );
    await page.selectOption('#o-channel', '');
    await page.waitForURL((u) => !u.searchParams.has('channel'));
    await shown(page);
    expect(await figure(page, 'received')).toBe(String(given.filter((g) => g.ago < 7).length));

    // A custom period starts from the days on screen; then from two days ago to today.
    const day = (n: number) =>
      new Date(Date.now() + 7 * 3600e3 + n * DAY).toISOString().slice(0, 10);
    await page.selectOption('#o-period', 'custom');
    await page.waitForURL(/period=custom/);
    await shown(page);
    expect(await page.inputValue('#o-from')).toBe(day(-6));
    expect(await page.inputValue('#o-to')).toBe(day(0));
    await page.fill('#o-from', day(-2));
    await page.waitForURL(new RegExp(`from=${day(-2)}`));
    await shown(page);
    const recent = given.filter((g) => g.ago <= 2).length;
    expect(await figure(page, 'received')).toBe(String(recent));

    // By week: the volume table's periods are weeks, and they add up to the headline.
    await page.selectOption('#o-granularity', 'week');
    await page.waitForURL(/granularity=week/);
    await shown(page);
    await page.click('[data-chart=volume] .table-toggle');
    const weeks = await page
      .locator('#table-volume tbody tr')
      .evaluateAll((trs) =>
        trs.map(
          (tr) => [tr.children[0]!.textContent, Number(tr.children[1]!.textContent)] as const,
        ),
      );
    expect(weeks.length).toBeGreaterThanOrEqual(1);
    expect(weeks.every(([label]) => label!.startsWith('week of '))).toBe(true);
    expect(weeks.reduce((a, [, n]) => a + n, 0)).toBe(recent);
    await context.close();
  });

  test("a center manager sees only their centers' figures and choices", async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'mgr.a@odsc.gov.la');
    await page.goto(`${base}/dashboard/overview`);
    await shown(page);
    const mine = expected((g) => g.center === A);
    expect(await figure(page, 'received')).toBe(mine.received);
    expect(await figure(page, 'satisfiedShare')).toBe(mine.satisfiedShare);
    const centers = await page
      .locator('#o-center option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(centers).toEqual(['', A]);
    expect(await leagueOrder(page)).toEqual([A]);
    await context.close();
  });

  test.each([
    ['lo', 360],
    ['lo', 1440],
    ['en', 360],
    ['en', 1440],
  ] as const)('in %s at %i px, with no sideways scrolling', async (lang, width) => {
    const { context, page } = await open(lang, width === 360 ? PHONE_SIZE : WIDE);
    await logIn(page, 'tf@odsc.gov.la');
    await page.goto(`${base}/dashboard/overview`);
    await shown(page);
    await page.evaluate(() => document.fonts.ready);
    expect(await page.textContent('main h1')).toBe(lang === 'lo' ? 'ພາບລວມ' : 'Overview');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await shot(page, `overview-${lang}-${width}`);
    await context.close();
  });
});
