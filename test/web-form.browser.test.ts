/**
 * The citizen web form in a real browser (Debian Chromium): filled in Lao with Lao digits,
 * submitted with JavaScript turned off, thank-you page with the tracking code, stored by the
 * worker. Screenshots go to test-artifacts/.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { parseTrackingCode } from '../shared/tracking-code';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { serveOnLocalhost, startTestPlatform, type TestPlatform } from './helpers/platform';
import { queueIdle } from './helpers/quiet';

let p: TestPlatform;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;

beforeAll(async () => {
  p = await startTestPlatform('browser', { worker: true });
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeServer();
  await p.close();
});

test('a citizen fills the form in Lao (no JavaScript) and gets a tracking code that finds the stored feedback', async () => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
    locale: 'lo-LA',
  });
  const page = await context.newPage();
  await page.goto(`${base}/feedback?center=LA-VT-XAYSETHA&src=qr-poster`);
  expect(await page.getAttribute('html', 'lang')).toBe('lo');
  await expect(page.title()).resolves.toBe('ສະແດງຄຳຄິດເຫັນ ຕໍ່ສູນບໍລິການຜ່ານປະຕູດຽວ');
  // The QR prefill selected the center.
  expect(await page.inputValue('#centerCode')).toBe('LA-VT-XAYSETHA');
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-form-lo.png'), fullPage: true });

  await page.selectOption('#serviceCode', 'land_registration');
  await page.getByRole('radio', { name: '2 – ບໍ່ພໍໃຈ' }).check();
  await page.fill('#text', 'ລໍຖ້າໃບຕາດິນ ໓ ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້');
  await page.getByLabel('ເບີໂທລະສັບ (ຖ້າຕ້ອງການໃຫ້ພວກເຮົາຕິດຕໍ່ກັບ)').fill('໐໒໐ ໕໕໕໕ ໑໒໓໔');
  await page.getByLabel('ຂ້ອຍຍິນຍອມໃຫ້ຕິດຕໍ່ຂ້ອຍ ກ່ຽວກັບຄຳຄິດເຫັນນີ້').check();
  await page.getByRole('button', { name: 'ສົ່ງຄຳຄິດເຫັນ' }).click();

  const codeText = (await page.getByTestId('tracking-code').textContent())!.trim();
  expect(codeText).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await expect(page.getByRole('heading', { name: 'ຂອບໃຈ!' }).isVisible()).resolves.toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-form-thanks-lo.png'), fullPage: true });

  const doc = await p.counted(parseTrackingCode(codeText)!);
  expect(doc).toMatchObject({
    channel: 'web',
    rating: 2,
    source: 'qr-poster',
    locale: 'lo',
    center: { code: 'LA-VT-XAYSETHA', method: 'explicit' },
    service: { code: 'land_registration', method: 'explicit' },
  });
  expect(doc.text?.normalized).toBe('ລໍຖ້າໃບຕາດິນ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້');
  expect(p.vault.decrypt(doc.sender.idSealed!)).toBe('+8562055551234');

  // Pressing back and submitting the same rendered form again is the same feedback, not a second one.
  await page.goBack();
  await page.getByRole('button', { name: 'ສົ່ງຄຳຄິດເຫັນ' }).click();
  expect((await page.getByTestId('tracking-code').textContent())!.trim()).toBe(codeText);
  await queueIdle(p.queue);
  expect(await p.Feedback.countDocuments({ source: 'qr-poster' })).toBe(1);

  // The thank-you page leads to the status page, in Lao, with the code filled in.
  await page.getByRole('link', { name: 'ກວດເບິ່ງສະຖານະ' }).click();
  expect(await page.getByTestId('status').textContent()).toBe('ໄດ້ຮັບແລ້ວ');
  expect(await page.inputValue('#code')).toBe(codeText);
  await page.screenshot({ path: path.join(ARTIFACTS, 'status-lo.png'), fullPage: true });
  await context.close();
});

test('the English switch keeps the prefill and errors are shown next to the fields', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/feedback?center=LA-LP`);
  await page.getByRole('link', { name: 'English' }).click();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.inputValue('#centerCode')).toBe('LA-LP');
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-form-en.png'), fullPage: true });

  // Nothing but a center: the form comes back with the message in English and a link to the field.
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain(
    'Please give a rating or write a comment.',
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'web-form-error-en.png'), fullPage: true });
  await page.getByRole('radio', { name: '5 – Very satisfied' }).check();
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you!' }).isVisible()).resolves.toBe(true);
  await page.getByRole('link', { name: 'Send more feedback' }).click();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await context.close();
});
