/**
 * The dashboard's alerts, kiosk-health and monthly-report screens, and alert notices, in a real
 * browser (Debian Chromium) against the real api, worker, MongoDB/FerretDB and Redis. Ratings and
 * complaints go through the intake queue; tablets are written into `kiosk_devices` as the kiosk
 * API would leave them; the alerts job (evaluateAlerts) and the monthly job (runMonthlyReport)
 * run as the worker runs them. Then the screens are read: the open alerts with their figures, an
 * admin's rule switched off and a rule added from the form (the API's 422 beside the field, Lao
 * digits accepted), an analyst's read-only rules, the tablets silent-first, the report links
 * (a PDF, an HTML page) and the stored reports, the notices panel. Screenshots in Lao and English
 * at 360 and 1440 px: test-artifacts/dashboard-{alerts,kiosks,reports}-<lo|en>-<360|1440>.png.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IntakeProducer } from '../services/api/intake-producer';
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { alertModel, alertRuleModel } from '../shared/reports/alerts';
import { lastMonth } from '../shared/reports/monthly-report';
import { closePdf } from '../shared/reports/pdf';
import { reportDaysFor } from '../shared/reports/report-days';
import { RedisLock } from '../shared/redis-lock';
import { Deadlines } from '../shared/staff/deadlines';
import { NoticeBoard } from '../shared/staff/notices';
import { alertsDeps, evaluateAlerts } from '../workers/staff/alerts.job';
import { monthlyReportJobDeps, runMonthlyReport } from '../workers/staff/monthly-report.job';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { serveOnLocalhost, type TestPlatform } from './helpers/platform';
import { makeUser, PASSWORD, signIn, startStaffPlatform, type StaffAgent } from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const HOUR = 3_600_000;
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 360, height: 780 };

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
let tf: StaffAgent;
let ids: Record<string, string>;
let names: {
  centers: Map<string, { lo: string; en: string }>;
  topics: Map<string, { lo: string; en: string }>;
};
const M = lastMonth();
const pageErrors: string[] = [];
afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

const reportDays = () =>
  reportDaysFor(
    p.conn,
    p.redis,
    p.config.queuePrefix,
    Deadlines.fromConfig(p.config).calendar,
    new RedisLock(p.redis, p.config.queuePrefix),
  );
const evaluate = () =>
  evaluateAlerts(alertsDeps(p.conn, p.redis, p.config.queuePrefix, reportDays()));

let n = 0;
/** Ratings (and complaint texts) received an hour ago, through the queue and the worker. */
async function feed(center: string, ratings: number[], extra: Partial<IntakeEnvelope> = {}) {
  const producer = new IntakeProducer(p.queue, p.redis, p.codes, p.config.queuePrefix);
  const at = new Date(Date.now() - HOUR).toISOString();
  const codes: string[] = [];
  for (const rating of ratings)
    codes.push(
      await producer.enqueue({
        v: 1,
        channel: 'web',
        externalId: `insight-${n++}`,
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

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('dashins'));
  ids = {
    admin: await makeUser(p, 'admin@odsc.gov.la', 'admin'),
    tf: await makeUser(p, 'tf@odsc.gov.la', 'taskforce'),
    analyst: await makeUser(p, 'analyst@odsc.gov.la', 'analyst'),
    mgr: await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]),
  };
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  const catalog = (await tf.agent.get('/api/v1/catalog').expect(200)).body as {
    centers: { code: string; name: { lo: string; en: string } }[];
    topics: { code: string; name: { lo: string; en: string } }[];
  };
  names = {
    centers: new Map(catalog.centers.map((c) => [c.code, c.name])),
    topics: new Map(catalog.topics.map((c) => [c.code, c.name])),
  };

  // A: 10 rated, 3 of them 4–5 → 30 % satisfied, below the default 60 %.
  await feed(A, [1, 2, 1, 2, 3, 1, 2, 4, 5, 4]);
  // B: five complaints on informal payment, none the week before → complaints rising.
  const complaints = await feed(B, [1, 1, 1, 1, 1], {
    text: 'ເຈົ້າໜ້າທີ່ຂໍເງິນໃຕ້ໂຕະ',
    topicCodes: ['informal_payment'],
  });
  for (const c of complaints)
    await tf.agent
      .patch(`/api/v1/feedback/${c}`)
      .set('X-CSRF-Token', tf.csrf)
      .send({ kind: 'complaint', topics: ['informal_payment'] })
      .expect(200);

  // Tablets as the kiosk API leaves them: one silent for 30 hours, one online, one offline.
  const now = Date.now();
  const beat = (at: number, online = true) => ({
    at: new Date(at),
    appVersion: '1.4.0',
    queued: 3,
    rejected: 1,
    misuse: 2,
    online,
    lastSyncAt: new Date(at),
  });
  await kioskDeviceModel(p.conn).create([
    {
      _id: 'kd_SILENT0001',
      centerCode: A,
      label: 'ປະຕູໜ້າ',
      pairedAt: new Date(now - 72 * HOUR),
      heartbeat: beat(now - 30 * HOUR),
    },
    {
      _id: 'kd_ONLINE0001',
      centerCode: A,
      label: 'Hall 2',
      pairedAt: new Date(now - 48 * HOUR),
      heartbeat: beat(now - 60_000),
    },
    {
      _id: 'kd_OFFLINE001',
      centerCode: B,
      pairedAt: new Date(now - 48 * HOUR),
      heartbeat: beat(now - 2 * HOUR, false),
    },
  ]);

  const r = await evaluate();
  expect([...r.opened].sort()).toEqual([
    `default-kiosk-silent|kd_SILENT0001`,
    `default-satisfaction|${A}`,
    'default-topic-up|informal_payment',
  ]);
  // The monthly job: both PDFs stored, the taskforce and admins told.
  const job = await runMonthlyReport(
    monthlyReportJobDeps(p.config, p.conn, p.redis, reportDays()),
    { month: M },
  );
  expect(job.stored.map((s) => s.lang)).toEqual(['lo', 'en']);

  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await closePdf();
  await closePlatform?.();
});

// ---- the browser ----------------------------------------------------------------------------

async function open(
  lang: 'lo' | 'en',
  viewport = WIDE,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'lo-LA', acceptDownloads: true });
  await context.addInitScript((l) => localStorage.setItem('odsc.dashboard.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
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

/** Waits until the alerts on screen answer the address. */
async function alertsShown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLElement>('[data-screen=alerts]');
    return el?.getAttribute('aria-busy') === 'false' && el.dataset.loaded === location.search;
  });
  await page.waitForSelector('.rules-table');
}

const rowText = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' '));
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

describe('alerts', () => {
  test('the open alerts in words: kind, subject by name, value against threshold; the menu counts them', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    // After the overview in the menu, with the number of open alerts.
    const nav = await page.locator('.nav a').allTextContents();
    expect(nav.slice(0, 5).map((x) => x.replace(/\d+, \d+ open$/, ''))).toEqual([
      'Overview',
      'Alerts',
      'Kiosks',
      'Monthly reports',
      'Queue',
    ]);
    await page.waitForSelector('.nav [data-open-alerts="3"]');
    await page.click('.nav a[href="/dashboard/alerts"]');
    await alertsShown(page);
    expect(await page.textContent('main h1')).toBe('Alerts');

    const sat = `tr[data-alert="default-satisfaction|${A}"]`;
    expect(await rowText(page, sat)).toContain('Low satisfaction');
    expect(await rowText(page, sat)).toContain(names.centers.get(A)!.en);
    expect(await page.textContent(`${sat} .alert-figure`)).toBe(
      'Rated 4–5: 30.0% — below the 60% threshold',
    );
    const topic = 'tr[data-alert="default-topic-up|informal_payment"]';
    expect(await rowText(page, topic)).toContain('Complaints rising');
    expect(await page.textContent(`${topic} .alert-subject`)).toBe(
      `Topic: ${names.topics.get('informal_payment')!.en}`,
    );
    expect(await page.textContent(`${topic} .alert-figure`)).toBe(
      '5 complaints in the last 7 days, none in the 7 before',
    );
    const kiosk = 'tr[data-alert="default-kiosk-silent|kd_SILENT0001"]';
    expect(await rowText(page, kiosk)).toContain('Kiosk silent');
    expect(await page.textContent(`${kiosk} .alert-subject`)).toBe('Tablet ປະຕູໜ້າ');
    expect(await page.textContent(`${kiosk} .alert-figure`)).toBe(
      'No heartbeat for 30 h — threshold 24 h',
    );
    // The since column is Vientiane time (UTC+7), whatever the machine's zone.
    const since = (await alertModel(p.conn).findById(`default-satisfaction|${A}`).lean())!.since;
    const hm = new Date(since.getTime() + 7 * HOUR).toISOString().slice(11, 16);
    expect(await page.textContent(`${sat} time`)).toContain(hm);

    // The center's link opens the overview filtered to it.
    await page.click(`${sat} a:has-text("See this center in the overview")`);
    await page.waitForSelector('[data-screen=overview]');
    expect(new URL(page.url()).searchParams.get('center')).toBe(A);
    expect(await page.inputValue('#o-center')).toBe(A);
    await context.close();
  });

  test('an admin adds a rule from the form (422 beside the field, Lao digits), switches it off, and the closed alert shows on request', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'admin@odsc.gov.la');
    await page.goto(`${base}/dashboard/alerts`);
    await alertsShown(page);
    await page.click('.add-rule summary');
    // A satisfaction rule over 0 days: the API refuses it, and says so beside "days".
    await page.fill('#new-rule-days', '0');
    await page.click('[data-form=new-rule] button[type=submit]');
    const err = page.locator('#new-rule-days-error');
    await err.waitFor();
    expect(await err.textContent()).toBe('Must be at least 1.');
    expect(await page.getAttribute('#new-rule-days', 'aria-invalid')).toBe('true');
    // The form moves the focus to the field in the next animation frame, after the message shows:
    // wait for it (bounded), then check where it is.
    await page
      .waitForFunction(() => document.activeElement?.id === 'new-rule-days', null, {
        timeout: 5_000,
      })
      .catch(() => undefined);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-rule-days');
    await shot(page, 'alerts-rule-form-en-1440');
    expect(await alertRuleModel(p.conn).countDocuments()).toBe(3);

    // A silent-tablet rule of 12 hours typed in Lao digits, for center A only.
    await page.selectOption('#new-rule-kind', 'kiosk_silent');
    await page.fill('#new-rule-hours', '໑໒');
    await page.check(`#new-rule-centers input[value="${A}"]`);
    await page.click('[data-form=new-rule] button[type=submit]');
    await page.waitForSelector('.notice-ok');
    const added = (await alertRuleModel(p.conn).find({ kind: 'kiosk_silent' }).lean()).find(
      (r) => r._id !== 'default-kiosk-silent',
    );
    expect(added).toMatchObject({ params: { hours: 12 }, centers: [A], active: true });
    const row = `tr[data-rule="${added!._id}"]`;
    expect(await rowText(page, row)).toContain(
      'A paired tablet has sent no heartbeat for 12 h or more',
    );
    expect(await rowText(page, row)).toContain(names.centers.get(A)!.en);

    // The job opens the new rule's alert; then the admin switches the rule off.
    const opened = await evaluate();
    expect(opened.opened).toEqual([`${added!._id}|kd_SILENT0001`]);
    const sw = page.locator(`${row} button[role=switch]`);
    expect(await sw.getAttribute('aria-checked')).toBe('true');
    expect(await sw.textContent()).toBe('On');
    await sw.focus();
    await page.keyboard.press('Space');
    await page.waitForSelector(`${row} button[role=switch][aria-checked=false]`);
    expect(await sw.textContent()).toBe('Off');
    await page.waitForSelector('.rules .notice-ok:has-text("Rule switched off")');
    expect((await alertRuleModel(p.conn).findById(added!._id).lean())!.active).toBe(false);

    // The next run closes its alert: gone from the open list, there with "Closed" on request.
    const closed = await evaluate();
    expect(closed.closed).toEqual([`${added!._id}|kd_SILENT0001`]);
    await page.reload();
    await alertsShown(page);
    const mine = `tr[data-alert="${added!._id}|kd_SILENT0001"]`;
    expect(await page.locator(mine).count()).toBe(0);
    await page.check('#alerts-all');
    await page.waitForURL(/state=all/);
    await alertsShown(page);
    expect(await page.textContent(`${mine} .badge`)).toBe('Closed');
    // Open ones first.
    const order = await page
      .locator('.alerts-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.alert));
    expect(order[order.length - 1]).toBe(`${added!._id}|kd_SILENT0001`);
    await context.close();
  });

  test('an analyst reads the rules without a switch or an edit button', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'analyst@odsc.gov.la');
    await page.goto(`${base}/dashboard/alerts`);
    await alertsShown(page);
    expect(await page.textContent('main h1')).toBe('ການແຈ້ງເຕືອນ');
    expect(await page.locator('.rules-table tbody tr').count()).toBe(4);
    expect(await page.locator('button[role=switch]').count()).toBe(0);
    expect(await page.locator('.rules-table button').count()).toBe(0);
    expect(await page.locator('.add-rule').count()).toBe(0);
    expect(await page.textContent('[data-readonly=rules]')).toBe('ມີແຕ່ຜູ້ເບິ່ງແຍງລະບົບທີ່ປ່ຽນກົດໄດ້.');
    expect(await page.textContent('tr[data-rule=default-satisfaction] .badge')).toBe('ເປີດ');
    // Lao first: the kind in Lao.
    expect(await page.textContent(`tr[data-alert="default-satisfaction|${A}"] .alert-kind`)).toBe(
      'ຄວາມພໍໃຈຕ່ຳ',
    );
    await context.close();
  });
});

describe('kiosks', () => {
  test('every tablet, the silent one first with its hours; a center manager sees theirs only', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    await page.click('.nav a[href="/dashboard/kiosks"]');
    await page.waitForSelector('[data-screen=kiosks][aria-busy=false]');
    const rows = await page
      .locator('.kiosks-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [(tr as HTMLElement).dataset.kiosk, (tr as HTMLElement).dataset.state]),
      );
    expect(rows).toEqual([
      ['kd_SILENT0001', 'silent'],
      ['kd_OFFLINE001', 'offline'],
      ['kd_ONLINE0001', 'online'],
    ]);
    const silent = 'tr[data-kiosk=kd_SILENT0001]';
    expect(await page.textContent(`${silent} .col-state .badge`)).toBe('Silent');
    expect(await page.textContent(`${silent} .silent-for`)).toBe('silent for 30 h');
    expect(await rowText(page, `${silent} .col-heartbeat`)).toMatch(/^1 d 6 h ago /);
    expect(await rowText(page, silent)).toContain(names.centers.get(A)!.en);
    expect(await rowText(page, silent)).toContain('ປະຕູໜ້າ');
    expect(await rowText(page, silent)).toContain('1.4.0');
    const offline = 'tr[data-kiosk=kd_OFFLINE001]';
    expect(await page.textContent(`${offline} .col-state .badge`)).toBe('Offline');
    expect(await page.textContent(`${offline} .silent-for`)).toBe('silent for 2 h');
    expect(await page.textContent('[data-count=silent]')).toBe('Silent 1');
    await context.close();

    const mgr = await open('lo');
    await logIn(mgr.page, 'mgr.a@odsc.gov.la');
    await mgr.page.goto(`${base}/dashboard/kiosks`);
    await mgr.page.waitForSelector('[data-screen=kiosks][aria-busy=false]');
    const mine = await mgr.page
      .locator('.kiosks-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.kiosk));
    expect(mine).toEqual(['kd_SILENT0001', 'kd_ONLINE0001']);
    expect(await mgr.page.textContent('tr[data-kiosk=kd_SILENT0001] .col-state .badge')).toBe(
      'ງຽບ',
    );
    await mgr.context.close();
  });
});

describe('monthly reports', () => {
  test('last month by default; the PDF link gives a PDF, the HTML link opens the page; the stored reports are listed', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    await page.click('.nav a[href="/dashboard/reports"]');
    await page.waitForSelector('[data-screen=reports]');
    expect(await page.inputValue('#r-month')).toBe(M);

    // One center, in English.
    await page.check('input[name=r-scope][value=center]');
    await page.selectOption('#r-center', A);
    await page.selectOption('#r-lang', 'en');
    const pdfHref = await page.getAttribute('[data-report=pdf]', 'href');
    expect(pdfHref).toBe(`/api/v1/reports/monthly?month=${M}&lang=en&center=${A}&format=pdf`);
    const pdf = await page.request.get(`${base}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The printable page opens in a new tab, in Lao when Lao is chosen.
    await page.selectOption('#r-lang', 'lo');
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      page.click('[data-report=html]'),
    ]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).searchParams.get('format')).toBe('html');
    expect(new URL(tab.url()).searchParams.get('lang')).toBe('lo');
    expect(await tab.evaluate(() => document.documentElement.lang)).toBe('lo');
    expect(await tab.textContent('body')).toContain(names.centers.get(A)!.lo);
    await tab.close();

    // The stored reports: last month in both languages (Lao first), each a PDF.
    const stored = await page
      .locator('.stored-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.stored));
    expect(stored).toEqual([`${M}|lo`, `${M}|en`]);
    const href = await page.getAttribute(`tr[data-stored="${M}|lo"] a`, 'href');
    expect(href).toBe(`/api/v1/reports/monthly/stored/${M}/lo`);
    const storedPdf = await page.request.get(`${base}${href}`);
    expect((await storedPdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await context.close();
  });

  test('a center manager is offered only their centers, and the stored all-center reports are not theirs', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'mgr.a@odsc.gov.la');
    await page.goto(`${base}/dashboard/reports`);
    await page.waitForSelector('[data-empty=stored]');
    expect(await page.textContent('input[name=r-scope][value=all] + span')).toBe('ທຸກສູນຂອງຂ້ອຍ');
    await page.check('input[name=r-scope][value=center]');
    const centers = await page
      .locator('#r-center option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(centers).toEqual([A]);
    expect(await page.locator('.stored-table').count()).toBe(0);
    await context.close();
  });
});

describe('notices', () => {
  test('an alert notice (Lao first) leads to the alerts screen; a report notice links its PDF; an unknown kind degrades', async () => {
    // A kind this app does not know (a later version's), straight onto the board.
    await new NoticeBoard(p.redis, p.config.queuePrefix).add(ids.tf!, {
      at: new Date().toISOString(),
      kind: 'survey_digest',
    } as unknown as Parameters<NoticeBoard['add']>[1]);
    const { context, page } = await open('lo');
    await logIn(page, 'tf@odsc.gov.la');
    await page.click('.notices-button');
    await page.waitForSelector('#notices-panel li');
    const other = page.locator('#notices-panel li[data-kind=survey_digest]');
    expect(await other.locator('strong').textContent()).toBe('ແຈ້ງເຕືອນ');
    expect(await page.locator(`#notices-panel li[data-report="${M}"]`).count()).toBe(1);

    // The three the default rules opened, and the admin's rule's one (the taskforce hears of all).
    const alerts = page.locator('#notices-panel li[data-kind=alert]');
    expect(await alerts.count()).toBe(4);
    const sat = alerts.filter({ hasText: 'ຄວາມພໍໃຈຕ່ຳ' });
    expect(await sat.locator('a').textContent()).toBe('ການແຈ້ງເຕືອນໃໝ່: ຄວາມພໍໃຈຕ່ຳ');
    expect(await sat.textContent()).toContain(names.centers.get(A)!.lo);
    expect(await sat.textContent()).toContain('ໃຫ້ຄະແນນ 4–5: 30.0% — ຕ່ຳກວ່າເກນ 60%');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-notices-alert-lo-1440.png') });
    await sat.locator('a').click();
    await page.waitForURL(`${base}/dashboard/alerts`);
    await alertsShown(page);
    expect(await page.isVisible('#notices-panel')).toBe(false);
    await context.close();
  });
});

describe('screenshots', () => {
  test.each([
    ['lo', 360],
    ['lo', 1440],
    ['en', 360],
    ['en', 1440],
  ] as const)('in %s at %i px, with no sideways scrolling', async (lang, width) => {
    const { context, page } = await open(lang, width === 360 ? PHONE : WIDE);
    await logIn(page, 'admin@odsc.gov.la');
    const screens = [
      [
        'alerts',
        '/dashboard/alerts?state=all',
        '[data-screen=alerts][aria-busy=false] .rules-table',
      ],
      ['kiosks', '/dashboard/kiosks', '[data-screen=kiosks][aria-busy=false]'],
      ['reports', '/dashboard/reports', '.stored-table'],
    ] as const;
    for (const [name, at, ready] of screens) {
      await page.goto(`${base}${at}`);
      await page.waitForSelector(ready);
      await page.evaluate(() => document.fonts.ready);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      await shot(page, `${name}-${lang}-${width}`);
    }
    await context.close();
  });
});
