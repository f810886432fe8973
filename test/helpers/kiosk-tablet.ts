/**
 * The kiosk tablet in Debian Chromium for browser tests: a fresh context at tablet size, paired to
 * a new device, under its service worker; and the tablet's own storage (IndexedDB `odsc-kiosk`)
 * read and written from the page, as the app and an older release of it would.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatPairingCode, type KioskDevices } from '../../shared/kiosk-devices';

export const TABLET = { width: 1280, height: 800 };

export const onScreen = (page: Page, name: string) =>
  page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 10_000 });

/** The queue length the status bar shows. */
export const queued = async (page: Page) =>
  Number(await page.locator('#status-queue').getAttribute('data-count'));

/** A fresh tablet (its own storage and service worker), paired to a new device of a center. */
export async function pairedTablet(
  browser: Browser,
  devices: KioskDevices,
  base: string,
  center: string,
  onPairScreen?: (page: Page) => Promise<unknown>,
): Promise<{ context: BrowserContext; page: Page; deviceId: string }> {
  const context = await browser.newContext({ viewport: TABLET, locale: 'lo-LA', hasTouch: true });
  const page = await context.newPage();
  const { deviceId, code } = await devices.create(center);
  await page.goto(`${base}/kiosk`); // the contract's address: the page moves itself to /kiosk/
  await onScreen(page, 'pair');
  if (new URL(page.url()).pathname !== '/kiosk/') throw new Error(`tablet at ${page.url()}`);
  if (onPairScreen) await onPairScreen(page);
  await page.fill('#pair-code', formatPairingCode(code).toLowerCase());
  await page.click('#pair-form button');
  await onScreen(page, 'home');
  // The service worker controls the page: from now on it works without a network.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      );
  });
  return { context, page, deviceId };
}

export type KioskStore = 'responses' | 'rejected';
export type KioskRecord = Record<string, unknown> & { id: string };

/** Every record of one of the tablet's stores, as the page sees it. */
export const readStore = (page: Page, store: KioskStore) =>
  page.evaluate(
    (s) =>
      new Promise<KioskRecord[]>((resolve, reject) => {
        const open = indexedDB.open('odsc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(s, 'readonly').objectStore(s).getAll();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result as KioskRecord[]);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );

/** Puts and deletes records of one of the tablet's stores, in one transaction. */
const changeStore = (page: Page, store: KioskStore, put: KioskRecord[], del: string[]) =>
  page.evaluate(
    ({ s, put, del }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('odsc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const t = open.result.transaction(s, 'readwrite');
          for (const r of put) t.objectStore(s).put(r);
          for (const id of del) t.objectStore(s).delete(id);
          t.oncomplete = () => {
            open.result.close();
            resolve();
          };
          t.onerror = () => reject(t.error);
        };
      }),
    { s: store, put, del },
  );

/** Puts records straight into one of the tablet's stores (as an older release left them). */
export const writeStore = (page: Page, store: KioskStore, records: KioskRecord[]) =>
  changeStore(page, store, records, []);

/** Deletes records by id from one of the tablet's stores. */
export const deleteFromStore = (page: Page, store: KioskStore, ids: string[]) =>
  changeStore(page, store, [], ids);
