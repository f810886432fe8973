/**
 * The catalog screen (admins) in a real browser (Debian Chromium) against the real api, FerretDB
 * and Redis: an admin adds a district center with its Lao and English names, renames it, moves it
 * to another province, switches a service off and on; each change is checked in the database, in
 * the audit log and on the citizen's web form. Other roles are not offered the screen. Screenshots
 * in Lao and English at 360 and 1440 px go to test-artifacts/dashboard-catalog-<lo|en>-<width>.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { auditModel } from '../shared/models/audit.model';
import { ARTIFACTS, launchChromium, openDashboard } from './helpers/browser';
import {
  serveOnLocalhost,
  startTestPlatform,
  waitFor,
  type TestPlatform,
} from './helpers/platform';
import { makeUser, PASSWORD } from './helpers/staff';

const WIDE = { width: 1440, height: 900 };
const PHONE_SIZE = { width: 360, height: 780 };
let p: TestPlatform;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  p = await startTestPlatform('dashcatalog');
  await makeUser(p, 'admin@odsc.gov.la', 'admin');
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await p?.close();
});
afterEach(() => {
  expect(pageErrors).toEqual([]);
  pageErrors.length = 0;
});

const open = (lang: 'lo' | 'en', viewport = WIDE) =>
  openDashboard(browser, lang, viewport, pageErrors);

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', email);
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector('[data-screen=queue]');
}

async function catalogScreen(page: Page): Promise<void> {
  await page.click('nav a[href="/dashboard/catalog"]');
  await page.waitForSelector('[data-screen=catalog][aria-busy=false]');
}

const row = (page: Page, code: string) => page.locator(`tr[data-code="${code}"]`);
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
const audits = async () =>
  (await auditModel(p.conn).find({}).lean())
    .filter((a) => a.action.startsWith('catalog_'))
    .map((a) => `${a.action} ${a.target}`);

test('an admin adds, renames and moves a center and switches a service off and on; the form follows', async () => {
  const { context, page } = await open('en');
  await logIn(page, 'admin@odsc.gov.la');
  await catalogScreen(page);
  expect(await page.textContent('main h1')).toBe('Centers, services and topics');
  expect(await row(page, 'LA-VT-XAYSETHA').textContent()).toContain('Xaysetha');

  // Add: Lao names typed in Lao script, the code in lower case (the form upper-cases it).
  await page.click('[data-part=centers] details summary');
  await page.fill('#new-center-code', 'la-lp-nambak');
  await page.selectOption('#new-center-province', 'LA-LP');
  await page.fill('#new-center-name-lo', 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງນ້ຳບາກ');
  await page.fill('#new-center-name-en', 'Nambak District ODSC');
  await page.fill('#new-center-place-lo', 'ນ້ຳບາກ');
  await page.fill('#new-center-place-en', 'Nambak');
  await page.click('[data-form=new-center] button[type=submit]');
  await page.waitForSelector('.notice-ok');
  expect(await page.textContent('.notice-ok')).toBe('Added: LA-LP-NAMBAK.');
  expect(await row(page, 'LA-LP-NAMBAK').textContent()).toContain('Luang Prabang (LA-LP)');
  const stored = await p.catalog.Center.findOne({ code: 'LA-LP-NAMBAK' }).lean();
  expect(stored).toMatchObject({
    province: 'LA-LP',
    level: 'district',
    name: { lo: 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງນ້ຳບາກ', en: 'Nambak District ODSC' },
    place: { lo: 'ນ້ຳບາກ', en: 'Nambak' },
    active: true,
  });
  expect((await request(p.app).get('/feedback')).text).toContain('ເມືອງນ້ຳບາກ');

  // A code already used is refused with the reason; nothing is added.
  await page.fill('#new-center-code', 'LA-VT-XAYSETHA');
  await page.selectOption('#new-center-province', 'LA-VT');
  await page.fill('#new-center-name-lo', 'ຊ້ຳ');
  await page.fill('#new-center-name-en', 'Duplicate');
  await page.click('[data-form=new-center] button[type=submit]');
  await page.waitForSelector('.notice-error');
  expect(await p.catalog.Center.countDocuments({ 'name.en': 'Duplicate' })).toBe(0);

  // Rename and move in one edit.
  await row(page, 'LA-LP-NAMBAK').locator('[data-action=edit]').click();
  await page.fill('#center-LA-LP-NAMBAK-name-en', 'Nambak ODSC (new office)');
  await page.selectOption('#center-LA-LP-NAMBAK-province', 'LA-OU');
  await page.click('[data-form=center-LA-LP-NAMBAK] button[type=submit]');
  await page.waitForSelector('.notice-ok');
  await waitFor(
    async () => (await row(page, 'LA-LP-NAMBAK').textContent())?.includes('(LA-OU)'),
    'the moved center on screen',
  );
  expect(await row(page, 'LA-LP-NAMBAK').textContent()).toContain('Nambak ODSC (new office)');
  expect((await request(p.app).get('/feedback?lang=en')).text).toContain(
    'Nambak ODSC (new office)',
  );

  // Switch a service off: the form no longer offers it; on again: it is back.
  await row(page, 'tax').locator('[data-action=toggle]').click();
  await waitFor(
    async () => (await row(page, 'tax').getAttribute('class')) === 'is-disabled',
    'tax switched off on screen',
  );
  expect((await p.catalog.Service.findOne({ code: 'tax' }).lean())?.active).toBe(false);
  expect((await request(p.app).get('/feedback')).text).not.toContain('value="tax"');
  await row(page, 'tax').locator('[data-action=toggle]').click();
  await waitFor(
    async () => (await row(page, 'tax').getAttribute('class')) === null,
    'tax switched on on screen',
  );
  expect((await request(p.app).get('/feedback')).text).toContain('value="tax"');

  expect(await audits()).toEqual([
    'catalog_create center:LA-LP-NAMBAK',
    'catalog_update center:LA-LP-NAMBAK',
    'catalog_update service:tax',
    'catalog_update service:tax',
  ]);
  await context.close();
});

test('other roles are not offered the catalog screen, and the API refuses them', async () => {
  const { context, page } = await open('lo');
  await logIn(page, 'tf@odsc.gov.la');
  expect(await page.locator('nav a[href="/dashboard/catalog"]').count()).toBe(0);
  const status = await page.evaluate(() => fetch('/api/v1/catalog/all').then((r) => r.status));
  expect(status).toBe(403);
  await context.close();
});

test.each([
  ['lo', 360],
  ['lo', 1440],
  ['en', 360],
  ['en', 1440],
] as const)('in %s at %i px, with no sideways scrolling', async (lang, width) => {
  const { context, page } = await open(lang, width === 360 ? PHONE_SIZE : WIDE);
  await logIn(page, 'admin@odsc.gov.la');
  await catalogScreen(page);
  await page.evaluate(() => document.fonts.ready);
  expect(await page.textContent('main h1')).toBe(
    lang === 'lo' ? 'ສູນບໍລິການ, ບໍລິການ ແລະ ຫົວຂໍ້' : 'Centers, services and topics',
  );
  // The add form open and one row's edit panel open, so the screenshot shows the forms too.
  await page.click('[data-part=centers] details summary');
  await row(page, 'LA-LP-NAMBAK').locator('[data-action=edit]').click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    width,
  );
  await shot(page, `catalog-${lang}-${width}`);
  await context.close();
});
