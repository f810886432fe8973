/**
 * Numbers do not stay on the kiosk tablet (docs/privacy.md#the-kiosk-tablet), in Debian Chromium:
 * a refused response keeps no number, an older release's refused records are cleaned when the app
 * starts, refused records are pruned by age and count, a queued number past its bound is dropped
 * before sending (the response goes without it), and a number typed when the tablet loses its
 * pairing is not left in the field for the next citizen. The tablet's IndexedDB is read from the page.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { KioskDevices } from '../shared/kiosk-devices';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { launchChromium } from './helpers/browser';
import {
  onScreen,
  pairedTablet,
  readStore,
  writeStore,
  type KioskRecord,
} from './helpers/kiosk-tablet';
import {
  serveOnLocalhost,
  startTestPlatform,
  waitFor,
  type TestPlatform,
} from './helpers/platform';

const DAY_MS = 86_400_000;
// The app's bounds (services/api/kiosk/public/app.js), as docs/privacy.md states them.
const CONTACT_MAX_AGE_DAYS = 7;
const REJECTED_MAX_AGE_DAYS = 30;
const REJECTED_MAX = 200;

let p: TestPlatform;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
let devices: KioskDevices;

beforeAll(async () => {
  p = await startTestPlatform('kioskpriv', {
    worker: true,
    env: { KIOSK_MIN_GAP_MS: '0', KIOSK_THANKS_MS: '3000', KIOSK_HEARTBEAT_S: '1' },
  });
  devices = new KioskDevices(kioskDeviceModel(p.conn), p.redis, p.config.queuePrefix, 3600);
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeServer();
  await p.close();
});

const tablet = (center: string) => pairedTablet(browser, devices, base, center);
const storedFor = (deviceId: string) =>
  p.Feedback.find({ channel: 'kiosk', 'meta.deviceId': deviceId }).lean<FeedbackDoc[]>();
/** Whether a record holds a number, as typed or written without its spaces. */
const holds = (record: unknown, phone: string) => {
  const json = JSON.stringify(record);
  return json.includes(phone) || json.includes(phone.replace(/\s/g, ''));
};

test('a number left with a response the server refuses: the refused record keeps why, not the number', async () => {
  const { context, page, deviceId } = await tablet('LA-VT-XAYSETHA');
  // The menus offer a topic the server does not accept (retired since the tablet loaded them).
  await page.route('**/api/v1/kiosk/config', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { topics: unknown[] };
    body.topics.push({ code: 'retired_topic', name: { lo: 'ຫົວຂໍ້ເກົ່າ', en: 'Retired topic' } });
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  await onScreen(page, 'home');

  const phone = '020 5555 4321';
  await page.click('.smiley[data-rating="1"]');
  await onScreen(page, 'details');
  await page.click('#block-topics .chip >> text=ຫົວຂໍ້ເກົ່າ');
  await page.click('#btn-contact');
  await onScreen(page, 'contact');
  await page.fill('#contact-phone', phone);
  await page.check('#contact-consent');
  await page.click('#contact-send');
  await onScreen(page, 'thanks');

  const [kept] = await waitFor(async () => {
    const rs = await readStore(page, 'rejected');
    return rs.length ? rs : null;
  }, 'the refused response set aside');
  expect(await readStore(page, 'responses')).toEqual([]);
  // Why it was refused, when, and the answer itself stay; the number does not.
  expect(kept).toMatchObject({
    rating: 1,
    topics: ['retired_topic'],
    hadContact: true,
    errors: [expect.objectContaining({ field: 'topics.0' })],
  });
  expect(Date.parse(String(kept!.rejectedAt))).toBeGreaterThan(Date.now() - 60_000);
  expect(kept).not.toHaveProperty('contact');
  expect(holds(kept, phone)).toBe(false);
  expect(await storedFor(deviceId)).toEqual([]);
  await context.close();
});

test("an older release's refused records lose their numbers at start; refused records go after 30 days and beyond the newest 200", async () => {
  const { context, page } = await tablet('LA-LP');
  const now = Date.now();
  const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
  // The shape the previous release wrote: the whole response, number included, plus the reasons.
  const legacy = (id: string, rejectedMsAgo: number, phone?: string): KioskRecord => ({
    id,
    rating: 2,
    createdAt: iso(rejectedMsAgo + 60_000),
    state: 'ready',
    topics: ['waiting_time'],
    ...(phone ? { contact: { phone, consent: true } } : {}),
    errors: [{ field: 'service', message: 'not a service code' }],
    rejectedAt: iso(rejectedMsAgo),
  });
  const withNumber = legacy(randomUUID(), 0, '020 5555 1111');
  const expired = legacy(randomUUID(), (REJECTED_MAX_AGE_DAYS + 1) * DAY_MS, '020 5555 2222');
  const within = legacy(randomUUID(), (REJECTED_MAX_AGE_DAYS - 1) * DAY_MS);
  await writeStore(page, 'rejected', [withNumber, expired, within]);
  const ids = async () => new Set((await readStore(page, 'rejected')).map((r) => r.id));
  expect(await ids()).toEqual(new Set([withNumber.id, expired.id, within.id]));

  // The app starts again (a new release, a reload): numbers gone, the record past 30 days too.
  await page.reload();
  await onScreen(page, 'home');
  const rejected = await readStore(page, 'rejected');
  expect(new Set(rejected.map((r) => r.id))).toEqual(new Set([withNumber.id, within.id]));
  for (const r of rejected) {
    expect(r).not.toHaveProperty('contact');
    expect(r).not.toHaveProperty('state');
  }
  expect(rejected.find((r) => r.id === withNumber.id)).toEqual({
    id: withNumber.id,
    rating: 2,
    createdAt: withNumber.createdAt,
    rejectedAt: withNumber.rejectedAt,
    topics: ['waiting_time'],
    errors: withNumber.errors,
    hadContact: true,
  });
  expect(holds(rejected, '020 5555 1111')).toBe(false);

  // Newer than `within`: with `withNumber` they are the newest 200, and `within` the 201st.
  const recent = Array.from({ length: REJECTED_MAX - 1 }, (_, i) =>
    legacy(randomUUID(), (i + 1) * 60_000),
  );
  await writeStore(page, 'rejected', recent);
  expect((await ids()).size).toBe(REJECTED_MAX + 1);
  await page.reload();
  await onScreen(page, 'home');
  expect(await ids()).toEqual(new Set([withNumber.id, ...recent.map((r) => r.id)]));
  await context.close();
});

test('a queued number older than 7 days is dropped before sending: the response goes without it, marked', async () => {
  const { context, page, deviceId } = await tablet('LA-CH');
  await context.setOffline(true);
  await page.click('.smiley[data-rating="5"]');
  await onScreen(page, 'details');
  await page.click('#btn-contact');
  await onScreen(page, 'contact');
  await page.fill('#contact-phone', '020 5555 7777');
  await page.check('#contact-consent');
  await page.click('#contact-send');
  await onScreen(page, 'thanks');
  const [waiting] = await readStore(page, 'responses');
  expect(waiting).toMatchObject({ state: 'ready', contact: { phone: '020 5555 7777' } });

  // Still offline, the tablet's clock moves past the bound; the next attempt to send drops it.
  await page.clock.setFixedTime(Date.now() + (CONTACT_MAX_AGE_DAYS * DAY_MS + 60_000));
  const [dropped] = await waitFor(
    async () => {
      const rs = await readStore(page, 'responses');
      return rs.length === 1 && !('contact' in rs[0]!) ? rs : null;
    },
    'the queued number dropped',
    40_000,
  );
  expect(dropped).toMatchObject({ id: waiting!.id, rating: 5, contactExpired: true });
  expect(holds(dropped, '020 5555 7777')).toBe(false);

  await context.setOffline(false);
  const [doc] = await waitFor(
    async () => {
      const docs = await storedFor(deviceId);
      return docs.length ? docs : null;
    },
    'the response stored',
    40_000,
  );
  expect(doc).toMatchObject({
    externalId: waiting!.id,
    rating: 5,
    meta: { contactRequested: true, contactExpired: true },
  });
  expect(doc!.sender.kind).toBe('kiosk');
  expect(doc!.sender.idSealed).toBeUndefined();
  await context.close();
});

test('a number typed when the tablet loses its pairing is not left in the field for the next citizen', async () => {
  const { context, page, deviceId } = await tablet('LA-XA');
  await page.click('.smiley[data-rating="2"]');
  await onScreen(page, 'details');
  await page.click('#btn-contact');
  await onScreen(page, 'contact');
  await page.fill('#contact-phone', '020 5555 8888');
  await devices.revoke(deviceId);
  await onScreen(page, 'pair'); // the next heartbeat is refused
  const code = await devices.issueCode(deviceId);
  await page.fill('#pair-code', code);
  await page.click('#pair-form button');
  await onScreen(page, 'home');
  await page.click('.smiley[data-rating="4"]');
  await onScreen(page, 'details');
  await page.click('#btn-contact');
  await onScreen(page, 'contact');
  expect(await page.inputValue('#contact-phone')).toBe('');
  await context.close();
});
