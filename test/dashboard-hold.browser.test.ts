/**
 * A held item on the item screen, in a real browser (Debian Chromium) against the real api, worker,
 * FerretDB and Redis: web feedback beyond an address's counted allowance is stored but held; the
 * item screen says so (Lao first, or English) with the reason, and "Release" makes it count once —
 * the rollups rise by one, the hold is gone, the release is audited. Screenshots in Lao and English
 * at 360 and 1440 px go to test-artifacts/dashboard-hold-<lo|en>-<width>.png.
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

async function openItem(page: Page, code: string): Promise<void> {
  await page.goto(`${base}/dashboard/feedback/${code}`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', 'tf@odsc.gov.la');
  await page.fill('#login-password', PASSWORD);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector('[data-screen=item] .raw-text');
}

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
