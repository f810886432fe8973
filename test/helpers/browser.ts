/** Debian's Chromium driven by playwright-core (no browser download), with the flags this machine needs. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context on the staff dashboard in one language, at one viewport. Page errors and console
 * errors (a CSP refusal is one) are pushed to `errors`; a failed resource load is not (the 401 of
 * /auth/me before logging in is the login page's normal start).
 */
export async function openDashboard(
  browser: Browser,
  lang: 'lo' | 'en',
  viewport: { width: number; height: number },
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'lo-LA' });
  await context.addInitScript((l) => localStorage.setItem('odsc.dashboard.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(m.text());
  });
  return { context, page };
}
