/**
 * The queue's "Export CSV" link in a real browser (Debian Chromium) against the real api, worker,
 * FerretDB and Redis: the link carries the queue's filters and status tab and always a period
 * (the filter's dates, else the last 30 days, written beside it), and clicking it downloads the
 * CSV — byte-order mark, header, the Lao text as written, only the filtered center's rows.
 * Screenshots of the queue with the link, Lao and English, at 360 and 1440 px:
 * test-artifacts/dashboard-export-<lo|en>-<360|1440>.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { localBuckets } from '../shared/models/feedback.model';
import { addDays } from '../shared/reports/metrics';
import { EXPORT_COLUMNS } from '../shared/staff/feedback-export';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { parseCsv } from './helpers/csv';
import { serveOnLocalhost, startTestPlatform, type TestPlatform } from './helpers/platform';
import { makeUser, PASSWORD, submit } from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const LAO = 'ລໍຖ້າດົນຫຼາຍ ຢູ່ຫ້ອງການທີ່ດິນ, ເຈົ້າໜ້າທີ່ບໍ່ອະທິບາຍ';

let p: TestPlatform;
let browser: Browser;
let base: string;
let closeServer: () => Promise<void>;
let codeA: string;
let codeB: string;
const pageErrors: string[] = [];
afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

beforeAll(async () => {
  p = await startTestPlatform('dashexport', { worker: true });
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  codeA = await submit(p, { centerCode: A, serviceCode: 'land_registration', text: LAO });
  codeB = await submit(p, { centerCode: B, text: 'Waited three hours at Luang Prabang' });
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await p?.close();
});

async function signedIn(lang: 'lo' | 'en', width: number, search = ''): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 780 : 900 },
    locale: 'lo-LA',
    acceptDownloads: true,
  });
  await context.addInitScript((l) => localStorage.setItem('odsc.dashboard.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/dashboard${search}`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', 'tf@odsc.gov.la');
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector('[data-screen=queue][aria-busy=false]');
  return page;
}

test('the link downloads the filtered queue over a period: BOM, header, the Lao text', async () => {
  const page = await signedIn('lo', 1440, `?center=${A}&from=2026-01-01&to=2099-12-31`);
  const link = page.locator('a[data-export]');
  expect(await link.textContent()).toBe('ສົ່ງອອກ CSV');
  const href = new URL((await link.getAttribute('href'))!, base);
  expect(href.pathname).toBe('/api/v1/exports/feedback.csv');
  expect(Object.fromEntries(href.searchParams)).toEqual({
    center: A,
    status: 'open',
    from: '2026-01-01',
    to: '2099-12-31',
  });
  expect(await page.textContent('#export-period')).toContain('ຕາມວັນທີທີ່ເລືອກ');

  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^feedback-\d{8}-\d{4}\.csv$/);
  const bytes = readFileSync((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  expect(header).toEqual([...EXPORT_COLUMNS]);
  expect(rows.map((r) => r[0])).toEqual([codeA]);
  expect(rows[0]![EXPORT_COLUMNS.indexOf('text')]).toBe(LAO);
  expect(rows[0]![EXPORT_COLUMNS.indexOf('centerCode')]).toBe(A);
  await page.context().close();
});

test('without dates the link sends the last 30 days and says so; screenshots', async () => {
  const today = localBuckets(new Date()).day;
  for (const lang of ['lo', 'en'] as const)
    for (const width of [360, 1440]) {
      const page = await signedIn(lang, width);
      const href = new URL((await page.getAttribute('a[data-export]', 'href'))!, base);
      expect(href.searchParams.get('from')).toBe(addDays(today, -29));
      expect(href.searchParams.get('to')).toBe(today);
      expect(href.searchParams.get('status')).toBe('open');
      const note = await page.textContent('#export-period');
      expect(note).toContain(lang === 'lo' ? '30 ມື້ຫຼ້າສຸດ' : 'the last 30 days');
      expect(await page.textContent('a[data-export]')).toBe(
        lang === 'lo' ? 'ສົ່ງອອກ CSV' : 'Export CSV',
      );
      if (width === 1440) {
        // Both items are in the queue, and the download holds both.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.click('a[data-export]'),
        ]);
        const csv = readFileSync((await download.path())!)
          .subarray(3)
          .toString('utf8');
        const [, ...rows] = parseCsv(csv);
        expect(rows.map((r) => r[0]).sort()).toEqual([codeA, codeB].sort());
      }
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({
        path: path.join(ARTIFACTS, `dashboard-export-${lang}-${width}.png`),
        fullPage: true,
      });
      await page.context().close();
    }
});
