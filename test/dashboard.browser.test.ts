/**
 * The taskforce dashboard in a real browser (Debian Chromium) against the real api, worker,
 * MongoDB/FerretDB and Redis: login (wrong password, lockout), the queue with its counts and
 * filters (a center, Lao text), one item worked end to end (correct the center, assign, reply by
 * SMS through a local stand-in for Twilio, note, resolve) and checked in the database, the
 * analyst's read-only view, a session that ends, the admin's Users and Audit screens, and the
 * notices of overdue complaints (the top bar's count, the panel, marked read on opening).
 * Screenshots of every screen, Lao and English, at 360 and 1440 px go to test-artifacts/.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { auditModel } from '../shared/models/audit.model';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { NoticeBoard, type Notice } from '../shared/staff/notices';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry } from '../shared/staff/queue-query';
import { parseTrackingCode } from '../shared/tracking-code';
import { dashboardRoutes } from '../services/api/staff/dashboard.routes';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { FakeTwilio } from './helpers/fake-twilio';
import { outboundSettled, serveOnLocalhost, waitFor, type TestPlatform } from './helpers/platform';
import {
  makeUser,
  PASSWORD,
  signIn,
  startStaffPlatform,
  submit,
  type StaffAgent,
} from './helpers/staff';

const A = 'LA-VT-XAYSETHA';
const A2 = 'LA-VT-CHANTHABOULY';
const PHONE = '+8562055507788';
const RAW = 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ\nຢູ່ຫ້ອງການທີ່ດິນ ໄປສາມເທື່ອແລ້ວ';
const WIDE = { width: 1440, height: 900 };
const PHONE_SIZE = { width: 360, height: 780 };

let p: TestPlatform;
let fake: FakeTwilio;
let closePlatform: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;
let browser: Browser;
let tfId: string;
let tf: StaffAgent;
/** The complaint worked in the browser (web form, phone, consent), another at A, one at B. */
let codeSms: string;
let codeOther: string;
let codeLp: string;
/** Uncaught errors in the app; each test ends with none. */
const pageErrors: string[] = [];
afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

beforeAll(async () => {
  ({
    p,
    twilio: fake,
    close: closePlatform,
  } = await startStaffPlatform('dashweb', {
    LOGIN_MAX_FAILURES: '3',
    LOGIN_LOCKOUT_MIN: '2',
  }));
  await makeUser(p, 'admin@odsc.gov.la', 'admin');
  tfId = await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]);
  await makeUser(p, 'analyst@odsc.gov.la', 'analyst');
  await makeUser(p, 'locked@odsc.gov.la', 'taskforce');
  await makeUser(p, 'changer@odsc.gov.la', 'taskforce');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  codeSms = await submit(p, {
    centerCode: A,
    serviceCode: 'land_registration',
    text: RAW,
    contact: { phone: '020 5550 7788', consentToContact: true },
  });
  codeOther = await submit(p, {
    centerCode: A,
    serviceCode: 'vehicle_registration',
    rating: 1,
    text: 'ຄ່າທຳນຽມແພງກວ່າທີ່ປະກາດໄວ້ 50000 ກີບ',
  });
  codeLp = await submit(p, { centerCode: 'LA-LP', text: 'Waited three hours at Luang Prabang' });
  await pastDeadline(codeOther);
  ({ base, close: closeServer } = await serveOnLocalhost(p.app));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await closeServer?.();
  await closePlatform?.();
});

/** Moves an item's deadline 30 hours into the past, so the queue shows it "overdue" in red. */
async function pastDeadline(code: string): Promise<void> {
  const id = parseTrackingCode(code)!;
  await p.Feedback.updateOne(
    { _id: id },
    { $set: { slaDueAt: new Date(Date.now() - 30 * 3600e3) } },
  );
  const doc = await p.Feedback.findById(id).lean<FeedbackDoc>();
  await new QueueIndex(p.redis, p.config.queuePrefix).put(queueEntry(doc!));
}

async function open(
  lang: 'lo' | 'en' = 'lo',
  viewport = WIDE,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'lo-LA' });
  await context.addInitScript((l) => localStorage.setItem('odsc.dashboard.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, page };
}

async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.waitForSelector('[data-screen=login]');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('[data-screen=login] button[type=submit]');
  await page.waitForSelector('[data-screen=queue]');
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
/** Waits until the list on screen answers the address's query (after a filter, a reload). */
async function listed(page: Page, screen: 'queue' | 'audit'): Promise<void> {
  await page.waitForFunction((s) => {
    const el = document.querySelector<HTMLElement>(`[data-screen=${s}]`);
    return el?.getAttribute('aria-busy') === 'false' && el.dataset.loaded === location.search;
  }, screen);
}
/** The tracking codes in the queue once it has loaded. */
async function rows(page: Page): Promise<string[]> {
  await listed(page, 'queue');
  return page
    .locator('tbody tr[data-code]')
    .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.code!));
}
/** Waits for the short confirmation an action shows. */
const confirmed = (page: Page, text: string) =>
  page.waitForFunction(
    (t) => Array.from(document.querySelectorAll('.notice-ok')).some((e) => e.textContent === t),
    text,
  );

describe('the app is served by the api', () => {
  test('the shell for every page, the bundle, the Lao font; 503 with the command when not built', async () => {
    const shell = await request(p.app).get('/dashboard/feedback/ABCDE-FGHIJ');
    expect(shell.status).toBe(200);
    expect(shell.headers['cache-control']).toBe('no-store');
    expect(shell.headers['content-security-policy']).toContain("default-src 'self'");
    expect(shell.text).toContain('<html lang="lo">');
    expect(shell.text).toContain('<script defer src="/dashboard/assets/app.js"></script>');
    expect(shell.text).not.toMatch(/<script>/);
    const js = await request(p.app).get('/dashboard/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('no-cache');
    expect((await request(p.app).get('/dashboard/assets/app.css')).text).toContain(
      '/dashboard/assets/fonts/noto-sans-lao-lao-400-normal.woff2',
    );
    const font = await request(p.app).get(
      '/dashboard/assets/fonts/noto-sans-lao-lao-400-normal.woff2',
    );
    expect(font.status).toBe(200);
    expect(font.headers['content-type']).toBe('font/woff2');
    expect((await request(p.app).get('/dashboard/assets/fonts/other.woff2')).status).toBe(404);
    expect((await request(p.app).get('/dashboard/assets/nope.js')).status).toBe(404);

    const bare = express().use(
      dashboardRoutes({ distDir: mkdtempSync(path.join(os.tmpdir(), 'no-dash-')) }),
    );
    const missing = await request(bare).get('/dashboard');
    expect(missing.status).toBe(503);
    expect(missing.text).toBe('The dashboard is not built: run npm run build.');
  });
});

describe('signing in', () => {
  test('Lao first; a wrong password says so; after 3 failures the wait is given in minutes', async () => {
    const { context, page } = await open('lo');
    await page.goto(`${base}/dashboard/feedback/${codeSms}`);
    await page.waitForSelector('[data-screen=login]');
    expect(await page.getAttribute('html', 'lang')).toBe('lo');
    expect(page.url()).toContain(`next=${encodeURIComponent(`/dashboard/feedback/${codeSms}`)}`);
    expect(await page.textContent('h1')).toBe('ເຂົ້າສູ່ລະບົບ');
    // The Lao text is drawn with the Noto Sans Lao web font the dashboard serves: the browser
    // fetched its Lao face, which it does only for text that uses it.
    await page.evaluate(() => document.fonts.ready);
    const loaded = await page.evaluate(() => {
      const faces: string[] = [];
      document.fonts.forEach((f) => {
        if (f.status === 'loaded') faces.push(`${f.family} ${f.unicodeRange}`);
      });
      return faces;
    });
    expect(loaded).toEqual(
      expect.arrayContaining([expect.stringMatching(/Noto Sans Lao.*U\+E80/)]),
    );

    for (let i = 0; i < 3; i++) {
      await page.fill('#login-email', 'locked@odsc.gov.la');
      await page.fill('#login-password', 'not the password');
      await page.click('[data-screen=login] button[type=submit]');
      await page.waitForSelector('#login-error');
      expect(await page.textContent('#login-error')).toBe('ອີເມວ ຫຼື ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ.');
      await page.evaluate(() => document.getElementById('login-error')?.remove());
    }
    await page.fill('#login-password', PASSWORD);
    await page.click('[data-screen=login] button[type=submit]');
    await page.waitForSelector('#login-error');
    expect(await page.textContent('#login-error')).toBe(
      'ພະຍາຍາມເຂົ້າລະບົບຫຼາຍເທື່ອເກີນໄປ. ກະລຸນາລອງໃໝ່ໃນອີກ 2 ນາທີ.',
    );

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Log in');
    await page.getByRole('button', { name: 'ລາວ' }).click();

    // The right password goes on to the page that was asked for.
    await page.fill('#login-email', 'tf@odsc.gov.la');
    await page.fill('#login-password', PASSWORD);
    await page.click('[data-screen=login] button[type=submit]');
    await page.waitForSelector('[data-screen=item] .raw-text');
    expect(new URL(page.url()).pathname).toBe(`/dashboard/feedback/${codeSms}`);
    await context.close();
  });
});

describe('a taskforce member works the queue', () => {
  test('counts, a center filter and a Lao text search, all in the address', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'tf@odsc.gov.la');
    expect(await page.textContent('.topbar .who-email')).toBe('tf@odsc.gov.la');
    expect(await page.textContent('.topbar .badge-role')).toBe('ຄະນະສະເພາະກິດ');
    const counts = (await tf.agent.get('/api/v1/feedback/counts')).body;
    expect(counts.open).toBe(3);
    expect(await page.textContent('.tab-open .count')).toBe(String(counts.open));
    expect(await page.textContent('.tab-new .count')).toBe(String(counts.byStatus.new));
    expect((await rows(page)).sort()).toEqual([codeSms, codeOther, codeLp].sort());
    const late = page.locator(`tr[data-code="${codeOther}"] .overdue`);
    expect(await late.textContent()).toMatch(/^ກາຍກຳນົດ/);
    expect(await late.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(176, 0, 32)');

    await page.selectOption('#f-center', A);
    await page.waitForURL(/center=LA-VT-XAYSETHA/);
    expect((await rows(page)).sort()).toEqual([codeSms, codeOther].sort());
    expect(await page.textContent('.tab-open .count')).toBe('2');

    await page.fill('#f-q', 'ເຈົ້າໜ້າທີ່');
    await page.press('#f-q', 'Enter');
    await page.waitForURL(/q=/);
    expect(await rows(page)).toEqual([codeSms]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ເຈົ້າໜ້າທີ່');

    // The address is the view: opened anew it shows the same filtered list.
    const shared = page.url();
    const second = await context.newPage();
    await second.goto(shared);
    expect(await rows(second)).toEqual([codeSms]);
    expect(await second.inputValue('#f-center')).toBe(A);
    await context.close();
  });

  test('open an item, correct its center, assign it, reply by SMS, add a note, resolve it', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'tf@odsc.gov.la');
    await rows(page);
    await page.click(`tr[data-code="${codeSms}"] a.code`);
    await page.waitForSelector('[data-screen=item] .raw-text');
    expect(new URL(page.url()).pathname).toBe(`/dashboard/feedback/${codeSms}`);
    const raw = page.locator('.raw-text');
    expect(await raw.getAttribute('lang')).toBe('lo');
    expect(await raw.innerText()).toBe(RAW);
    expect(await raw.evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('pre-wrap');
    expect(await page.textContent('dd.contact')).toContain('+856 20 5550 7788');

    const id = parseTrackingCode(codeSms)!;
    const doc = () => p.Feedback.findById(id).lean<FeedbackDoc>();

    await page.selectOption('#correct-center', A2);
    await page.click('#h-correct ~ form button[type=submit]');
    await confirmed(page, 'ບັນທຶກການແກ້ໄຂແລ້ວ.');
    expect((await doc())!.center).toMatchObject({ code: A2, method: 'explicit' });

    await page.selectOption('#assignee', tfId);
    await page.click('#h-assign ~ form button[type=submit]');
    await confirmed(page, 'ປ່ຽນຜູ້ຮັບຜິດຊອບແລ້ວ.');
    expect((await doc())!.assigneeId).toBe(tfId);

    await page.selectOption('#reply-template', 'received');
    const template = await page.inputValue('#reply-text');
    expect(template).toBe(`ຂອບໃຈສຳລັບຄຳຄິດເຫັນ (${codeSms}). ທີມງານກຳລັງກວດສອບ ແລະ ຈະແຈ້ງໃຫ້ທ່ານຮູ້ໂດຍໄວ.`);
    await page.click('#h-reply ~ form button[type=submit]');
    await confirmed(page, 'ສົ່ງຄຳຕອບເຂົ້າຄິວແລ້ວ.');
    const replyId = (await doc())!.replies!.at(-1)!.id;
    await outboundSettled(outboundMessageModel(p.conn), replyId, ['sent']);
    expect(fake.sent.at(-1)).toMatchObject({ To: PHONE, Body: template });

    await page.fill('#note-text', 'ໂທຫາຫົວໜ້າສູນແລ້ວ');
    await page.click('#h-note ~ form button[type=submit]');
    await confirmed(page, 'ເພີ່ມບັນທຶກແລ້ວ.');
    // The reload after the note shows the reply as the SMS provider took it.
    expect(await page.textContent('.entry-reply .delivery-sent')).toBe('ສົ່ງແລ້ວ');
    expect(await page.textContent('.entry-note .entry-text')).toBe('ໂທຫາຫົວໜ້າສູນແລ້ວ');

    // Resolving needs a note: without one the form says so and nothing is sent.
    await page.click('[data-move=resolved]');
    expect(await page.textContent('#h-status ~ form .field-error')).toBe('ກະລຸນາຂຽນບັນທຶກການແກ້ໄຂກ່ອນ.');
    expect((await doc())!.staffStatus).toBe('new');
    await page.fill('#resolution-note', 'ໄດ້ເຕືອນເຈົ້າໜ້າທີ່ ແລະ ເພີ່ມບັດຄິວແລ້ວ.');
    await page.click('[data-move=resolved]');
    await page.waitForSelector('[data-screen=item][data-status=resolved]');
    await confirmed(page, 'ປ່ຽນສະຖານະແລ້ວ.');

    const after = (await doc())!;
    expect(after).toMatchObject({
      staffStatus: 'resolved',
      status: 'resolved',
      resolutionNote: 'ໄດ້ເຕືອນເຈົ້າໜ້າທີ່ ແລະ ເພີ່ມບັດຄິວແລ້ວ.',
      assigneeId: tfId,
    });
    expect(after.notes?.map((n) => n.text)).toEqual(['ໂທຫາຫົວໜ້າສູນແລ້ວ']);
    const history = after.history!.map((h) => [h.action, h.field, h.from, h.to]);
    expect(history).toEqual(
      expect.arrayContaining([
        ['correct', 'center', A, A2],
        ['assign', 'assignee', null, tfId],
        ['status', 'status', 'new', 'resolved'],
      ]),
    );
    expect((await request(p.app).get(`/api/v1/status/${codeSms}`)).body.status).toBe('resolved');
    // The page shows the same history, in Lao.
    const actions = await page.locator('tr[data-action] td:nth-child(3)').allTextContents();
    expect(actions).toEqual(
      expect.arrayContaining(['ແກ້ໄຂການຈັດປະເພດ', 'ມອບໝາຍ', 'ປ່ຽນສະຖານະ', 'ບັນທຶກພາຍໃນ']),
    );
    const audit = await auditModel(p.conn).find({ target: id, actorId: tfId }).lean();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['correction', 'assign', 'reply', 'note', 'status_change']),
    );
    await context.close();
  });

  test('bulk: two rows selected and moved to "in progress" at once', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'tf@odsc.gov.la');
    await rows(page);
    for (const code of [codeOther, codeLp]) await page.check(`tr[data-code="${code}"] input`);
    expect(await page.textContent('.bulk-count')).toBe('2 selected');
    await page.selectOption('#bulk-status', 'in_progress');
    await page.click('.bulk form:has(#bulk-status) button[type=submit]');
    await confirmed(page, '2 updated, 0 failed.');
    // The list reloads after the action; until its answer comes the old counts are on screen
    // (and the page already looks loaded), so wait for the tab to count the two.
    await page.waitForFunction(
      () => document.querySelector('.tab-in_progress .count')?.textContent === '2',
      undefined,
      { timeout: 15_000 },
    );
    await rows(page);
    expect(await page.textContent('.tab-in_progress .count')).toBe('2');
    for (const code of [codeOther, codeLp])
      expect((await p.Feedback.findById(parseTrackingCode(code)).lean())!.staffStatus).toBe(
        'in_progress',
      );
    await context.close();
  });

  test('an analyst reads with the number masked and gets no controls; an ended session goes back to login', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'analyst@odsc.gov.la');
    expect(await page.locator('thead input[type=checkbox]').count()).toBe(0);
    await page.goto(`${base}/dashboard/feedback/${codeSms}`);
    await page.waitForSelector('[data-screen=item] .raw-text');
    expect(await page.textContent('dd.contact')).toMatch(/••••.*partly hidden/);
    expect(await page.textContent('dd.contact')).not.toContain('5550 7788');
    expect(await page.locator('#h-status, #h-assign, #h-reply, #h-note').count()).toBe(0);
    expect(await page.textContent('.item-side p.muted')).toBe('Your role can only view.');

    await context.clearCookies();
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.waitForSelector('[data-screen=login]');
    expect(await page.textContent('.login .notice-error')).toBe('Please log in again.');
    await context.close();
  });
});

describe('my account', () => {
  test('a wrong current password is refused; the new one works from then on', async () => {
    const { context, page } = await open('lo');
    await logIn(page, 'changer@odsc.gov.la');
    await page.getByRole('link', { name: 'ບັນຊີຂອງຂ້ອຍ' }).click();
    await page.waitForSelector('[data-screen=account]');
    // The tab's title follows the screen.
    await page.waitForFunction(() => document.title === 'ບັນຊີຂອງຂ້ອຍ — ODSC');
    await page.fill('#pw-current', 'not my password');
    await page.fill('#pw-new', 'a brand new passphrase');
    await page.fill('#pw-confirm', 'a brand new passphrase');
    await page.click('[data-screen=account] button[type=submit]');
    await page.waitForSelector('.notice-error');
    expect(await page.textContent('.notice-error')).toContain('ລະຫັດຜ່ານປັດຈຸບັນບໍ່ຖືກຕ້ອງ');
    await page.fill('#pw-current', PASSWORD);
    await page.click('[data-screen=account] button[type=submit]');
    await confirmed(page, 'ປ່ຽນລະຫັດຜ່ານແລ້ວ. ການເຂົ້າໃຊ້ໃນອຸປະກອນອື່ນຖືກປິດແລ້ວ.');
    await expect(
      signIn(p.app, 'changer@odsc.gov.la', 'a brand new passphrase'),
    ).resolves.toBeTruthy();
    await expect(signIn(p.app, 'changer@odsc.gov.la')).rejects.toThrow(/401/);
    await context.close();
  });
});

describe('the admin', () => {
  test('Users: the list, a new center manager edited, reset and disabled; Audit: newest first, by action', async () => {
    const { context, page } = await open('en');
    await logIn(page, 'admin@odsc.gov.la');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForSelector('[data-screen=users] tbody tr[data-user]');
    const emails = await page
      .locator('tr[data-user]')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.user));
    expect(emails).toEqual(expect.arrayContaining(['admin@odsc.gov.la', 'tf@odsc.gov.la']));

    await page.click('.create-user summary');
    await page.fill('#new-email', 'mgr.new@odsc.gov.la');
    await page.selectOption('#new-role', 'center_manager');
    await page.check(`#new-centers input[value="${A}"]`);
    await page.fill('#new-password', 'a long enough password');
    await page.click('.create-user button[type=submit]');
    await page.waitForSelector('tr[data-user="mgr.new@odsc.gov.la"]');
    await confirmed(page, 'User added.');
    expect(
      await staffUserModel(p.conn).findOne({ email: 'mgr.new@odsc.gov.la' }).lean(),
    ).toMatchObject({ role: 'center_manager', centers: [A], disabled: false });
    const row = 'tr[data-user="mgr.new@odsc.gov.la"]';
    await page.click(`${row} button:has-text("Edit")`);
    await page.check(`.panel-row input[value="${A2}"]`);
    await page.click('.panel-row button[type=submit]');
    await confirmed(page, 'User saved.');
    expect(
      (await staffUserModel(p.conn).findOne({ email: 'mgr.new@odsc.gov.la' }).lean())!.centers,
    ).toEqual([A, A2]);
    await page.click(`${row} button:has-text("Reset password")`);
    await page.fill('#reset-password', 'another long password');
    await page.click('.panel-row button[type=submit]');
    await confirmed(page, 'Password reset.');
    await expect(
      signIn(p.app, 'mgr.new@odsc.gov.la', 'another long password'),
    ).resolves.toBeTruthy();
    await page.click(`${row} button.danger`);
    await waitFor(
      async () =>
        (await staffUserModel(p.conn).findOne({ email: 'mgr.new@odsc.gov.la' }).lean())?.disabled,
      'user disabled',
    );

    await page.getByRole('link', { name: 'Audit log' }).click();
    await listed(page, 'audit');
    const first = await page.locator('tbody tr').first().getAttribute('data-action');
    expect(first).toBe('user_update');
    await page.selectOption('#a-action', 'correction');
    await page.waitForURL(/action=correction/);
    await listed(page, 'audit');
    const shown = await page
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.action));
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(['correction']));
    await context.close();
  });
});

describe('notices of overdue complaints', () => {
  let ntId: string;
  let nt: StaffAgent;
  let board: NoticeBoard;
  /** A notice as the escalation sweep writes it, for an item `late` hours past its due time. */
  const overdue = (
    trackingCode: string,
    tier: number,
    centerCode: string | null,
    late: number,
  ): Omit<Notice, 'id'> => ({
    at: new Date().toISOString(),
    kind: 'overdue',
    trackingCode,
    tier,
    centerCode,
    dueAt: new Date(Date.now() - late * 3600e3).toISOString(),
  });

  beforeAll(async () => {
    ntId = await makeUser(p, 'notices@odsc.gov.la', 'taskforce');
    nt = await signIn(p.app, 'notices@odsc.gov.la');
    board = new NoticeBoard(p.redis, p.config.queuePrefix);
  });

  test('the badge counts the unread, the panel lists them with links, opening marks them read', async () => {
    await board.add(ntId, overdue(codeOther, 1, A, 2));
    await board.add(ntId, overdue(codeLp, 3, 'LA-LP', 80));
    const { context, page } = await open('en');
    await page.clock.install();
    await logIn(page, 'notices@odsc.gov.la');
    const button = page.getByRole('button', { name: 'Notices, 2 unread' });
    await button.waitFor();
    expect(await page.textContent('.notices-button .notices-count')).toBe('2');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // Keyboard: Enter opens it and the focus goes to its heading; it is marked read at once.
    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#notices-panel li[data-notice]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('notices-title');
    await page.waitForSelector('.notices-button[data-unread="0"]');
    expect(await page.locator('.notices-count').count()).toBe(0);
    expect(
      await page
        .getByRole('button', { name: 'Notices', exact: true })
        .getAttribute('aria-expanded'),
    ).toBe('true');
    const api = (await nt.agent.get('/api/v1/notices')).body;
    expect(api.unread).toBe(0);
    expect(api.items).toHaveLength(2);

    // Newest first; each with the center's name from the catalog, the tier and who was told.
    const codes = await page
      .locator('#notices-panel li[data-notice]')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.code));
    expect(codes).toEqual([codeLp, codeOther]);
    const catalog = (await nt.agent.get('/api/v1/catalog')).body as {
      centers: { code: string; name: { en: string } }[];
    };
    const entry = page.locator(`#notices-panel li[data-code="${codeOther}"]`);
    expect(await entry.locator('.notice-center').textContent()).toBe(
      catalog.centers.find((c) => c.code === A)!.name.en,
    );
    expect(await entry.locator('.notice-text').textContent()).toMatch(
      /^Overdue since \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d, tier 1 \(assignee told\)$/,
    );
    expect(await entry.locator('a').getAttribute('href')).toBe(`/dashboard/feedback/${codeOther}`);
    expect(
      await page.locator(`#notices-panel li[data-code="${codeLp}"] .notice-text`).textContent(),
    ).toContain('tier 3 (taskforce told)');
    expect(await page.locator('#notices-panel .badge-new').count()).toBe(2);

    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#notices-panel', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('notices-button');

    // A new notice shows within the minute while the app is open, and on a move inside it.
    await board.add(ntId, overdue(codeSms, 2, A2, 30));
    await page.clock.fastForward(60_000);
    await page.waitForSelector('.notices-button[data-unread="1"]');
    await board.add(ntId, overdue(codeSms, 3, A2, 80));
    await page.getByRole('link', { name: 'My account' }).click();
    await page.waitForSelector('.notices-button[data-unread="2"]');

    // The link opens the item, and the panel closes.
    await page.click('.notices-button');
    await page.click(`#notices-panel li[data-code="${codeOther}"] a`);
    await page.waitForSelector('[data-screen=item] .raw-text');
    expect(new URL(page.url()).pathname).toBe(`/dashboard/feedback/${codeOther}`);
    expect(await page.locator('#notices-panel').count()).toBe(0);
    expect((await nt.agent.get('/api/v1/notices')).body.unread).toBe(0);
    await context.close();
  });

  test.each([
    ['lo', 360],
    ['lo', 1440],
    ['en', 360],
    ['en', 1440],
  ] as const)('the open panel in %s at %i px, with no sideways scrolling', async (lang, width) => {
    await board.add(ntId, overdue(codeOther, 2, A, 26));
    const { context, page } = await open(lang, width === 360 ? PHONE_SIZE : WIDE);
    await logIn(page, 'notices@odsc.gov.la');
    await rows(page);
    const name = lang === 'lo' ? 'ແຈ້ງເຕືອນ, ຍັງບໍ່ໄດ້ອ່ານ 1' : 'Notices, 1 unread';
    await page.getByRole('button', { name }).click();
    await page.waitForSelector('.notices-button[data-unread="0"]');
    expect(
      await page.locator('#notices-panel li[data-notice].fresh .notice-text').textContent(),
    ).toMatch(
      lang === 'lo'
        ? /^ກາຍກຳນົດແຕ່ .*, ຂັ້ນ 2 \(ແຈ້ງຜູ້ຈັດການສູນແລ້ວ\)$/
        : /, tier 2 \(center managers told\)$/,
    );
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await shot(page, `notices-${lang}-${width}`);
    await context.close();
  });
});

describe('screenshots', () => {
  // Any change re-computes the deadline; put one back in the past for the pictures.
  beforeAll(() => pastDeadline(codeOther));

  test.each([
    ['lo', 360],
    ['lo', 1440],
    ['en', 360],
    ['en', 1440],
  ] as const)('every screen in %s at %i px, with no sideways scrolling', async (lang, width) => {
    const { context, page } = await open(lang, width === 360 ? PHONE_SIZE : WIDE);
    const name = (screen: string) => `${screen}-${lang}-${width}`;
    const noOverflow = async () =>
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
    await page.goto(`${base}/dashboard`);
    await page.waitForSelector('[data-screen=login]');
    await page.evaluate(() => document.fonts.ready);
    await shot(page, name('login'));
    await logIn(page, 'admin@odsc.gov.la');
    await rows(page);
    await page.evaluate(() => document.fonts.ready);
    await noOverflow();
    await shot(page, name('queue'));
    await page.goto(`${base}/dashboard/feedback/${codeSms}`);
    await page.waitForSelector('[data-screen=item] .raw-text');
    await noOverflow();
    await shot(page, name('item'));
    const ready = {
      users: 'tr[data-user]',
      audit: '[data-screen=audit][aria-busy=false] tr[data-action]',
      account: '[data-screen=account] form',
    };
    for (const screen of ['users', 'audit', 'account'] as const) {
      await page.goto(`${base}/dashboard/${screen}`);
      await page.waitForSelector(ready[screen]);
      await noOverflow();
      await shot(page, name(screen));
    }
    await context.close();
  });
});
