/**
 * A held item on the item screen, in a real browser (Debian Chromium) against the real api, worker,
 * FerretDB and Redis: web feedback beyond an address's counted allowance is stored but held; the
 * item screen says so (Lao first, or English) with the reason, and "Release" makes it count once —
 * the rollups rise by one, the hold is gone, the release is audited. Screenshots in Lao and English
 * at 360 and 1440 px go to test-artifacts/dashboard-hold-<lo|en>-<width>.png. The queue counts held
 * items, lists them on their own (`held=true`) and releases the selected at once
 * (test-artifacts/dashboard-held-queue-<lo|en>-<width>.png).
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

const CENTER = 'LA-LP';
let p: TestPlatform;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  p = await startTestPlatform('dashhold', {
    worker: true,
    env: { RATE_WEB_COUNTED_PER_HOUR: '1', RATE_WEB_PER_MIN: '20' },
  });
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await p?.close();
});

const rollupCount = async () =>
  (await p.Rollup.find({ centerCode: CENTER }).lean()).reduce((s, r) => s + r.count, 0);

/** Logs in on the page at `where` (a dashboard path) and waits for its screen. */
async function logIn(page: Page, where: string, screen: string): Promise<void> {
  await page.goto(`${base}/dashboard${where}`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', 'tf@odsc.gov.la');
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector(screen);
}

const openItem = (page: Page, code: string) =>
  logIn(page, `/feedback/${code}`, '[data-screen=item] .raw-text');

test('a held item says so in Lao and English, and Release makes it count exactly once', async () => {
  // One address: its first submission counts, the next two are stored and held.
  const codes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await request(p.app)
      .post('/api/v1/feedback')
      .set('X-Forwarded-For', '198.51.100.7')
      .send({ centerCode: CENTER, rating: 1, text: `ລໍຖ້າດົນ ${i} / waited long ${i}` });
    expect(r.status).toBe(202);
    codes.push(r.body.trackingCode);
  }
  const docs = await Promise.all(
    codes.map((c) => waitFor(() => p.Feedback.findById(c.replace('-', '')).lean(), `${c} stored`)),
  );
  expect(docs.map((d) => d.held?.reason ?? null)).toEqual([null, 'rate:web', 'rate:web']);
  await waitFor(async () => ((await rollupCount()) === 1 ? true : null), 'the first counted');

  const held = { lo: codes[1]!, en: codes[2]! };
  for (const lang of ['lo', 'en'] as const) {
    for (const width of [360, 1440]) {
      const viewport = { width, height: width < 600 ? 780 : 900 };
      const { context, page } = await openDashboard(browser, lang, viewport, pageErrors);
      await openItem(page, held[lang]);
      const card = page.locator('.hold-card');
      await card.waitFor();
      const text = await card.innerText();
      expect(text).toContain('rate:web');
      if (lang === 'lo') expect(text).toContain('ຍັງບໍ່ນັບເຂົ້າໃນຕົວເລກ');
      else expect(text).toContain('Held: not counted in any figure');
      // Nothing scrolls sideways at phone width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      await page.screenshot({
        path: path.join(ARTIFACTS, `dashboard-hold-${lang}-${width}.png`),
        fullPage: true,
      });
      if (width === 1440) {
        const before = await rollupCount();
        await page.click('[data-action=release]');
        await page.locator('.hold-card').waitFor({ state: 'detached' });
        await waitFor(
          async () => ((await rollupCount()) === before + 1 ? true : null),
          `${held[lang]} counted after release`,
        );
        const doc = await p.Feedback.findById(held[lang].replace('-', '')).lean();
        expect(doc!.held).toBeUndefined();
      }
      await context.close();
    }
  }
  // Each release counted once, and both are audited.
  expect(await rollupCount()).toBe(3);
  const audits = (await auditModel(p.conn).find({}).lean()).filter(
    (a) => a.action === 'release_hold',
  );
  expect(audits.map((a) => a.target).sort()).toEqual(
    [held.lo, held.en].map((c) => c.replace('-', '')).sort(),
  );
  expect(pageErrors).toEqual([]);
}, 300_000);

/** Waits until the queue on screen answers the address's query. */
async function listed(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLElement>('[data-screen=queue]');
    return el?.getAttribute('aria-busy') === 'false' && el.dataset.loaded === location.search;
  });
}

test('the queue says how many are held, lists them on their own, and releases the selected at once', async () => {
  // Another address: its first submission counts, the next four are held.
  const codes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await request(p.app)
      .post('/api/v1/feedback')
      .set('X-Forwarded-For', '198.51.100.8')
      .send({ centerCode: CENTER, rating: 2, text: `ຄິວຍາວ ${i} / long queue ${i}` });
    expect(r.status).toBe(202);
    codes.push(r.body.trackingCode);
  }
  const held = codes.slice(1);
  for (const c of codes)
    await waitFor(
      async () => (await p.Feedback.findById(c.replace('-', '')).lean())?.counted,
      `${c} stored`,
    );
  const before = await rollupCount();
  const batches = { en: held.slice(0, 2), lo: held.slice(2) };
  for (const lang of ['en', 'lo'] as const) {
    for (const width of [360, 1440]) {
      const viewport = { width, height: width < 600 ? 780 : 900 };
      const { context, page } = await openDashboard(browser, lang, viewport, pageErrors);
      await logIn(page, '', '[data-screen=queue]');
      await listed(page);
      // The count of held items leads to the held view (all statuses).
      const waiting = page.locator('[data-held-link]');
      const left = lang === 'en' ? 4 : 2;
      expect(await waiting.innerText()).toContain(String(left));
      expect(await waiting.innerText()).toContain(
        lang === 'lo' ? 'ຍັງບໍ່ນັບເຂົ້າໃນຕົວເລກ' : 'not counted in any figure',
      );
      await page.screenshot({
        path: path.join(ARTIFACTS, `dashboard-held-waiting-${lang}-${width}.png`),
      });
      await waiting.click();
      await page.waitForFunction(() => location.search.includes('held=true'));
      await listed(page);
      const listedCodes = await page
        .locator('tbody tr[data-code]')
        .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.code!));
      expect(listedCodes.sort()).toEqual(held.slice(lang === 'en' ? 0 : 2).sort());
      expect(await page.isChecked('#f-held')).toBe(true);
      for (const code of batches[lang]) await page.check(`tr[data-code="${code}"] input`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      await page.screenshot({
        path: path.join(ARTIFACTS, `dashboard-held-queue-${lang}-${width}.png`),
        fullPage: true,
      });
      if (width === 1440) {
        await page.click('[data-action=bulk-release]');
        const done = lang === 'lo' ? 'ສຳເລັດ 2 ລາຍການ, ບໍ່ສຳເລັດ 0 ລາຍການ.' : '2 updated, 0 failed.';
        await page.waitForFunction(
          (t) =>
            Array.from(document.querySelectorAll('.notice-ok')).some((e) => e.textContent === t),
          done,
        );
        // The held view reloads without the released ones.
        await page.waitForFunction(
          (gone) => gone.every((c) => !document.querySelector(`tr[data-code="${c}"]`)),
          batches[lang],
          { timeout: 15_000 },
        );
      }
      await context.close();
    }
  }
  // Each released item counted once; nothing is held any more, so the queue shows no count.
  expect(await rollupCount()).toBe(before + 4);
  for (const c of held)
    expect((await p.Feedback.findById(c.replace('-', '')).lean())!.held).toBeUndefined();
  const { context, page } = await openDashboard(
    browser,
    'en',
    { width: 1440, height: 900 },
    pageErrors,
  );
  await logIn(page, '', '[data-screen=queue]');
  await listed(page);
  expect(await page.locator('[data-held-link]').count()).toBe(0);
  await context.close();
  expect(pageErrors).toEqual([]);
}, 300_000);
