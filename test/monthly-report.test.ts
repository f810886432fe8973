/**
 * The monthly report on the real servers: a small month fed through the real pipeline (web form
 * and kiosk, the previous month by kiosk uploads dated then), staff actions through the staff API
 * (two complaints resolved with notes, a reply), then the report as HTML and PDF in Lao and
 * English — headline numbers computed here from what was sent, the previous-month comparison, top
 * topics, an overdue case, "you said, we did" from the resolution notes and never a citizen's
 * words or number; a center manager's report holds only their center; the PDF is Chromium's, with
 * the Lao font embedded; screenshots at 360 and 1440 px; the monthly job stores both PDFs and
 * tells the taskforce, the script does the same by hand, and the schedule is the 1st at 06:00.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { seedCenters, seedServices, seedTopics } from '../shared/catalog/catalog';
import { KioskDevices } from '../shared/kiosk-devices';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { monthlyReportModel } from '../shared/models/monthly-report.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { addDays, previousMonth, today } from '../shared/reports/metrics';
import { closePdf, PdfEngine } from '../shared/reports/pdf';
import { reportDaysFor, ReportMarks } from '../shared/reports/report-days';
import { RedisLock } from '../shared/redis-lock';
import { Deadlines } from '../shared/staff/deadlines';
import { NoticeBoard } from '../shared/staff/notices';
import { QueueIndex } from '../shared/staff/queue-index';
import { queueEntry } from '../shared/staff/queue-query';
import { formatTrackingCode, parseTrackingCode } from '../shared/tracking-code';
import { monthlyReportCli } from '../scripts/monthly-report';
import {
  MONTHLY_REPORT_JOB,
  monthlyReportJob,
  monthlyReportJobDeps,
} from '../workers/staff/monthly-report.job';
import { escalationDeps, startStaffJobs } from '../workers/staff/staff-jobs.worker';
import { createLogger } from '../shared/logger';
import type { FeedbackDoc } from '../shared/models/feedback.model';
import { ARTIFACTS, launchChromium } from './helpers/browser';
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
const B = 'LA-LP';
const PHONE_TYPED = '020 5550 1234';
const nameEn = (code: string) => seedCenters.find((c) => c.code === code)!.name.en;
const nameLo = (code: string) => seedCenters.find((c) => c.code === code)!.name.lo;
const service = (code: string) => seedServices.find((s) => s.code === code)!.name;
const topic = (code: string) => seedTopics.find((t) => t.code === code)!.name;

/** What is sent this month, and what each is expected to become. */
const SENT = {
  c1: {
    centerCode: A,
    serviceCode: 'land_registration',
    rating: 1,
    text: 'ລໍຖ້າດົນຫຼາຍ ບໍ່ພໍໃຈ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ',
    topicCodes: ['waiting_time', 'staff_conduct'],
    contact: { phone: PHONE_TYPED, consentToContact: true },
  },
  c2: {
    centerCode: A,
    serviceCode: 'family_book',
    rating: 2,
    // Fees alone ("no receipt" would also be informal_payment, by the labelling guideline).
    text: 'ຄ່າທຳນຽມແພງເກີນໄປ ບໍ່ພໍໃຈ',
    topicCodes: ['fees'],
  },
  c3: {
    centerCode: A,
    serviceCode: 'land_registration',
    rating: 1,
    text: 'ລໍຖ້າສາມຊົ່ວໂມງ ບໍ່ມີໃຜມາຊ່ວຍ ບໍ່ພໍໃຈ',
    topicCodes: ['waiting_time'],
  },
  c4: {
    centerCode: B,
    serviceCode: 'driving_licence',
    rating: 2,
    text: 'Waited all morning, nobody explained which documents were needed. Very unhappy.',
    topicCodes: ['documents', 'information', 'waiting_time'],
  },
  p1: { centerCode: A, rating: 5, text: 'ບໍລິການດີຫຼາຍ ຂອບໃຈ' },
  p2: { centerCode: A, rating: 4 },
  p3: { centerCode: B, rating: 5 },
} as const;
const NOTE_1 = 'ເພີ່ມເຈົ້າໜ້າທີ່ 2 ຄົນຢູ່ປ່ອງທີ່ດິນ / Two more staff at the land counter';
const NOTE_2 = 'Fee table posted at the entrance; receipts now printed for every payment.';
const REPLY = 'ຂອບໃຈ, ພວກເຮົາກຳລັງແກ້ໄຂ';
/** Kiosk ratings at center A: the previous month's (dated then) and this month's. */
const KIOSK_BEFORE = [5, 4, 4];
const KIOSK_NOW = [4];

let p: TestPlatform;
let closePlatform: () => Promise<void>;
let tf: StaffAgent;
let mgr: StaffAgent;
let ids: { tf: string; admin: string; mgr: string };
let codes: Record<keyof typeof SENT, string>;
let browser: Browser;
const M = today().slice(0, 7);
const PM = previousMonth(M);

async function kioskSend(token: string, ratings: number[], createdAt: string): Promise<void> {
  // Presses the tablet's gap apart (the server holds closer ones, as the tablet ignores them).
  const responses = ratings.map((rating, i) => ({
    id: randomUUID(),
    rating,
    createdAt: new Date(Date.parse(createdAt) - i * 5000).toISOString(),
  }));
  const res = await request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${token}`)
    .send({ responses });
  expect(res.body.accepted).toHaveLength(ratings.length);
  for (const r of responses) {
    const doc = await waitFor(
      () => p.Feedback.findOne({ channel: 'kiosk', externalId: r.id }).lean<FeedbackDoc>(),
      `kiosk ${r.id} stored`,
    );
    await p.counted(doc._id);
  }
}

/** Moves a complaint's deadline 30 hours into the past (it is overdue now) and marks it for the reports. */
async function pastDeadline(code: string): Promise<void> {
  const id = parseTrackingCode(code)!;
  await p.Feedback.updateOne(
    { _id: id },
    { $set: { slaDueAt: new Date(Date.now() - 30 * 3600e3) } },
  );
  const doc = await p.Feedback.findById(id).lean<FeedbackDoc>();
  await new QueueIndex(p.redis, p.config.queuePrefix).put(queueEntry(doc!));
  await new ReportMarks(p.redis, p.config.queuePrefix).markCases([id]);
}

beforeAll(async () => {
  ({ p, close: closePlatform } = await startStaffPlatform('monthly'));
  ids = {
    tf: await makeUser(p, 'tf@odsc.gov.la', 'taskforce'),
    admin: await makeUser(p, 'admin@odsc.gov.la', 'admin'),
    mgr: await makeUser(p, 'mgr@odsc.gov.la', 'center_manager', [A]),
  };
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  mgr = await signIn(p.app, 'mgr@odsc.gov.la');

  const devices = new KioskDevices(kioskDeviceModel(p.conn), p.redis, p.config.queuePrefix, 3600);
  const { code: pairing, deviceId } = await devices.create(A);
  // In service since before last month (responses may be dated back only to its last sync).
  await kioskDeviceModel(p.conn).collection.updateOne(
    { _id: deviceId as never },
    { $set: { createdAt: new Date(Date.now() - 90 * 86_400_000) } },
  );
  const token = (await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: pairing }))
    .body.deviceToken as string;
  await kioskSend(token, KIOSK_BEFORE, `${PM}-15T10:00:00+07:00`);
  await kioskSend(token, KIOSK_NOW, new Date().toISOString());

  codes = {} as typeof codes;
  for (const [k, body] of Object.entries(SENT))
    codes[k as keyof typeof SENT] = await submit(p, body);
  for (const k of ['c1', 'c2', 'c3', 'c4'] as const) {
    const doc = (await p.Feedback.findById(parseTrackingCode(codes[k])).lean<FeedbackDoc>())!;
    expect(doc.kind.code).toBe('complaint');
    expect(doc.topics.map((t) => t.code).sort()).toEqual([...SENT[k].topicCodes].sort());
  }
  const patch = (code: string, body: object) =>
    tf.agent.patch(`/api/v1/feedback/${code}`).set('X-CSRF-Token', tf.csrf).send(body);
  const reply = await tf.agent
    .post(`/api/v1/feedback/${codes.c1}/replies`)
    .set('X-CSRF-Token', tf.csrf)
    .send({ text: REPLY });
  expect(reply.status).toBe(202);
  await outboundSettled(outboundMessageModel(p.conn), reply.body.replyId, ['sent']);
  expect((await patch(codes.c1, { status: 'resolved', resolutionNote: NOTE_1 })).status).toBe(200);
  expect((await patch(codes.c2, { status: 'resolved', resolutionNote: NOTE_2 })).status).toBe(200);
  await pastDeadline(codes.c3);

  // The report days catch up with the marks (a refresh runs with every report read).
  await waitFor(async () => {
    const s = (
      await tf.agent.get('/api/v1/reports/summary').query({ from: `${M}-01`, to: today() })
    ).body;
    return s.received === 8 && s.complaints.overdue === 1 && s.complaints.resolved === 2;
  }, 'the month in the report days');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await closePdf();
  await closePlatform?.();
});

const report = (s: StaffAgent, query: Record<string, string>) =>
  s.agent.get('/api/v1/reports/monthly').query(query);

/** A request whose body is kept as bytes (a PDF). */
const bytes = (req: request.Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function open(html: string, width = 1440): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.setContent(html);
  return page;
}

/** The headline table: metric → [this month, previous month, change]. */
async function headline(page: Page): Promise<Record<string, string[]>> {
  const rows = await page.$$eval('tr[data-metric]', (trs) =>
    trs.map((tr) => [
      (tr as HTMLElement).dataset.metric!,
      ...['cur', 'prev', 'chg'].map((c) => tr.querySelector(`td.${c}`)!.textContent!),
    ]),
  );
  return Object.fromEntries(rows.map(([k, ...v]) => [k!, v]));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg1 = (xs: number[]) => (sum(xs) / xs.length).toFixed(1);
const pct = (xs: number[]) => Math.round((xs.filter((r) => r >= 4).length / xs.length) * 100);
const signed = (n: number, text = String(Math.abs(n))) =>
  n > 0 ? `+${text}` : n < 0 ? `−${text}` : text;

/** Nothing a citizen wrote, and not their number, in any form. */
function expectNoCitizenText(html: string): void {
  for (const body of Object.values(SENT)) if ('text' in body) expect(html).not.toContain(body.text);
  expect(html).not.toContain(REPLY);
  for (const digits of ['5550', '55501234', '2055501234']) expect(html).not.toContain(digits);
}

test('the taskforce report: headline figures against the previous month, charts, topics, overdue, you said / we did', async () => {
  const ratingsNow = [...Object.values(SENT).map((b) => b.rating), ...KIOSK_NOW];
  const res = await report(tf, { month: M, lang: 'en' });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  const html = res.text;
  expect(html).toMatch(/^<!doctype html>\s*<html lang="en">/);
  // Self-contained: no script, nothing fetched.
  expect(html).not.toMatch(/<script|<link|@import|url\(|(src|href)=["']?https?:/i);
  expectNoCitizenText(html);

  const page = await open(html);
  const h = await headline(page);
  const complaintsNow = 4;
  expect(h.received).toEqual([
    String(ratingsNow.length),
    String(KIOSK_BEFORE.length),
    signed(ratingsNow.length - KIOSK_BEFORE.length),
  ]);
  expect(h.rated).toEqual(h.received);
  expect(h.ratingAvg).toEqual([
    avg1(ratingsNow),
    avg1(KIOSK_BEFORE),
    signed(
      Math.round((sum(ratingsNow) / ratingsNow.length - sum(KIOSK_BEFORE) / 3) * 10) / 10,
      Math.abs(
        Math.round((sum(ratingsNow) / ratingsNow.length - sum(KIOSK_BEFORE) / 3) * 10) / 10,
      ).toFixed(1),
    ),
  ]);
  expect(h.ratingAvg).toEqual(['3.0', '4.3', '−1.3']);
  expect(h.satisfiedShare).toEqual([
    `${pct(ratingsNow)}%`,
    `${pct(KIOSK_BEFORE)}%`,
    `${signed(pct(ratingsNow) - pct(KIOSK_BEFORE))} pts`,
  ]);
  expect(h.complaints).toEqual([String(complaintsNow), '0', `+${complaintsNow}`]);
  expect(h.open).toEqual(['2', '0', '+2']);
  expect(h.overdue).toEqual(['1', '0', '+1']);
  expect(h.resolved).toEqual(['2', '0', '+2']);
  // Resolved on time = 2 resolved by their due date ÷ (2 resolved + 1 open past due).
  expect(h.resolvedOnTimeShare).toEqual([`${Math.round((2 / 3) * 100)}%`, '—', '—']);
  expect(h.medianFirstReplyDays).toEqual(['0', '—', '—']);
  expect(h.medianResolutionDays).toEqual(['0', '—', '—']);
  expect(h.resolutionSatisfactionAvg).toEqual(['—', '—', '—']);

  // The cover: month, scope, generation time in Vientiane.
  expect(await page.textContent('.cover-month')).toBe(
    `${new Date(`${M}-01T00:00:00Z`).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${M.slice(0, 4)}`,
  );
  expect(await page.textContent('[data-scope]')).toBe('All centers');
  expect(await page.textContent('[data-generated]')).toMatch(
    /^\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \(Vientiane time\)$/,
  );

  // Charts: one bar per day with feedback, a dot per rated day, the channel mix.
  const days = new Set([today()]);
  expect(await page.locator('#chart-volume svg rect').count()).toBe(days.size);
  expect(await page.locator('#chart-satisfaction svg circle').count()).toBe(days.size);
  expect(await page.textContent('#chart-channels svg')).toContain(`Web form: 7 (88%)`);
  expect(await page.textContent('#chart-channels svg')).toContain(`Kiosk: 1 (13%)`);

  // League table: both centers with this month's counts, change against the previous month.
  const row = (code: string) =>
    page.$$eval(`#centers tr[data-center="${code}"] td`, (tds) => tds.map((t) => t.textContent));
  expect(await page.textContent(`#centers tr[data-center="${A}"] th`)).toBe(nameEn(A));
  expect(await row(A)).toEqual(['6', '+3', '2.8', '50%', '3', '1', '67%']);
  expect(await row(B)).toEqual(['2', '+2', '3.5', '50%', '1', '0', '—']);

  // Top topics per center and per service, with counts.
  const topics = (sel: string) =>
    page.$$eval(`${sel} li[data-topic]`, (lis) => lis.map((li) => li.textContent));
  expect(await topics(`#topics tr[data-center="${A}"]`)).toEqual([
    `${topic('waiting_time').en} (2)`,
    `${topic('fees').en} (1)`,
    `${topic('staff_conduct').en} (1)`,
  ]);
  expect(await topics(`#topics tr[data-center="${B}"]`)).toEqual([
    `${topic('documents').en} (1)`,
    `${topic('information').en} (1)`,
    `${topic('waiting_time').en} (1)`,
  ]);
  expect(await topics('#topics tr[data-service="land_registration"]')).toEqual([
    `${topic('waiting_time').en} (2)`,
    `${topic('staff_conduct').en} (1)`,
  ]);
  expect(await page.textContent('#topics tr[data-service="family_book"] th')).toBe(
    service('family_book').en,
  );

  // The overdue case, and only it.
  const overdue = await page.$$eval('#overdue tr[data-code] td', (tds) =>
    tds.map((t) => t.textContent),
  );
  expect(overdue.slice(0, 3)).toEqual([
    formatTrackingCode(parseTrackingCode(codes.c3)!),
    nameEn(A),
    service('land_registration').en,
  ]);
  expect(overdue[3]).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
  expect(await page.locator('#overdue tr[data-code]').count()).toBe(1);

  // You said, we did: the staff's notes, what the complaint was about, no citizen words.
  const weDid = await page.$$eval('.we-did-item', (lis) => lis.map((li) => li.textContent!));
  expect(weDid).toHaveLength(2);
  const c1 = weDid.find((t) => t.includes(NOTE_1))!;
  expect(c1).toContain(`${topic('waiting_time').en}, ${topic('staff_conduct').en}`);
  expect(c1).toContain(`${service('land_registration').en}, ${nameEn(A)}`);
  expect(weDid.some((t) => t.includes(NOTE_2) && t.includes(service('family_book').en))).toBe(true);
  expect(await page.textContent('.definitions')).toContain(
    'Resolved on time = complaints resolved by their due date ÷ (resolved + open past their due date).',
  );
  expect(await page.textContent('.definitions')).toContain('docs/metrics.md');
  await page.close();
}, 60_000);

test('the Lao report is the default, in Lao, with the same numbers; a month in Lao digits works', async () => {
  const laoDigits = M.replace(/\d/g, (d) => String.fromCodePoint(0x0ed0 + Number(d)));
  const res = await report(tf, { month: laoDigits });
  expect(res.status).toBe(200);
  const html = res.text;
  expect(html).toMatch(/<html lang="lo">/);
  expectNoCitizenText(html);
  const page = await open(html);
  expect(await page.getAttribute('.cover-month', 'data-month')).toBe(M);
  expect(await page.textContent('[data-scope]')).toBe('ທຸກສູນບໍລິການ');
  const h = await headline(page);
  expect(h.received).toEqual(['8', '3', '+5']);
  expect(h.satisfiedShare).toEqual(['50%', '100%', '−50 ຈຸດ']);
  expect(await page.textContent('tr[data-metric="overdue"] th')).toBe('ກາຍກຳນົດ');
  // In tables, without the words every Lao center name starts with ("one-door service center").
  expect(nameLo(A)).toBe('ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງໄຊເສດຖາ');
  expect(await page.textContent(`#centers tr[data-center="${A}"] th`)).toBe('ເມືອງໄຊເສດຖາ');
  expect(
    await page.$$eval(`#topics tr[data-center="${A}"] li[data-topic]`, (l) =>
      l.map((x) => x.textContent),
    ),
  ).toEqual([
    `${topic('waiting_time').lo} (2)`,
    `${topic('fees').lo} (1)`,
    `${topic('staff_conduct').lo} (1)`,
  ]);
  expect(await page.textContent('#overdue tr[data-code] td:nth-child(3)')).toBe(
    service('land_registration').lo,
  );
  expect(await page.textContent('#we-did h2')).toBe('ທ່ານບອກ, ພວກເຮົາເຮັດ');
  expect(await page.textContent('#we-did')).toContain(NOTE_1);
  // Chromium has a Lao font for it.
  expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans Lao"', 'ກີ່'))).toBe(true);
  await page.close();
}, 60_000);

test('a center manager gets their center only; another center is not found; bad input is refused', async () => {
  const res = await report(mgr, { month: M, lang: 'en' });
  expect(res.status).toBe(200);
  const html = res.text;
  expectNoCitizenText(html);
  expect(html).not.toContain(B);
  expect(html).not.toContain(nameEn(B));
  expect(html).not.toContain(SENT.c4.serviceCode);
  const page = await open(html);
  expect(await page.textContent('[data-scope]')).toBe(nameEn(A));
  const h = await headline(page);
  const ratingsA = [1, 2, 1, 5, 4, ...KIOSK_NOW];
  expect(h.received).toEqual([String(ratingsA.length), '3', signed(ratingsA.length - 3)]);
  expect(h.ratingAvg![0]).toBe(avg1(ratingsA));
  expect(h.complaints).toEqual(['3', '0', '+3']);
  expect(h.overdue).toEqual(['1', '0', '+1']);
  expect(
    await page.$$eval('#centers tr[data-center]', (trs) =>
      trs.map((t) => (t as HTMLElement).dataset.center),
    ),
  ).toEqual([A]);
  expect(await page.locator('#overdue tr[data-code]').count()).toBe(1);
  await page.close();

  // The same center asked for by name is the same report; another is "not found".
  const own = await report(mgr, { month: M, lang: 'en', center: A });
  expect(own.status).toBe(200);
  expect((await report(mgr, { month: M, center: B })).status).toBe(404);
  expect((await report(mgr, { month: M, center: B, format: 'pdf' })).status).toBe(404);
  // The taskforce may ask for one center or a province.
  const lp = await report(tf, { month: M, lang: 'en', province: 'LA-LP' });
  expect(lp.status).toBe(200);
  expect(lp.text).not.toContain(nameEn(A));
  expect(lp.text).toContain(nameEn(B));

  const bads: Record<string, string>[] = [
    { month: '2025-13' },
    { month: addDays(`${M}-01`, 40).slice(0, 7) },
    { lang: 'fr' },
    { format: 'docx' },
    { from: '2025-01-01' },
    { center: A, province: 'LA-VT' },
  ];
  for (const bad of bads) {
    const r = await report(tf, bad);
    expect([bad, r.status]).toEqual([bad, 422]);
  }
  expect((await request(p.app).get('/api/v1/reports/monthly')).status).toBe(401);
}, 60_000);

/** The fonts a PDF embeds (subset prefix removed). */
const fontNames = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/\/FontName\s*\/[A-Z]{6}\+([A-Za-z0-9-]+)/g)].map(
    (m) => m[1]!,
  );

/** The Unicode code points the PDF's ToUnicode maps give back (so its text can be searched). */
function mappedCodePoints(pdf: Buffer): Set<number> {
  const out = new Set<number>();
  const addUtf16 = (hex: string, plus = 0) => {
    for (let i = 0; i + 4 <= hex.length; i += 4) out.add(parseInt(hex.slice(i, i + 4), 16) + plus);
  };
  const s = pdf.toString('latin1');
  for (const m of s.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    let text: string;
    try {
      text = inflateSync(pdf.subarray(start, s.indexOf('endstream', start))).toString('latin1');
    } catch {
      continue;
    }
    for (const sec of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const x of sec[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) addUtf16(x[2]!);
    for (const sec of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const x of sec[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const n = parseInt(x[2]!, 16) - parseInt(x[1]!, 16);
        for (let i = 0; i <= n; i++) addUtf16(x[3]!, i);
      }
  }
  return out;
}

test('the PDF in Lao and English: Chromium, one page per section, the Lao font embedded', async () => {
  for (const lang of ['lo', 'en'] as const) {
    const [htmlRes, res] = await Promise.all([
      report(tf, { month: M, lang }),
      bytes(report(tf, { month: M, lang, format: 'pdf' })),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="odsc-monthly-report-${M}-all-${lang}.pdf"`,
    );
    const pdf = res.body as Buffer;
    writeFileSync(path.join(ARTIFACTS, `monthly-report-${lang}.pdf`), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
    // A cover and six sections, each starting a page and fitting on it.
    const sections = (htmlRes.text.match(/<section\b/g) ?? []).length;
    expect(sections).toBe(7);
    expect(pages).toBe(sections);
    const fonts = fontNames(pdf);
    if (lang === 'lo') {
      expect(fonts.some((f) => /^(NotoSansLao|PhetsarathOT)/.test(f))).toBe(true);
      const cps = mappedCodePoints(pdf);
      // Consonants, vowels above and below, tone marks: the text is real, searchable Lao.
      for (const ch of 'ກຳນົດແລ້ວ') expect([ch, cps.has(ch.codePointAt(0)!)]).toEqual([ch, true]);
    } else {
      expect(fonts.some((f) => /^NotoSans-/.test(f))).toBe(true);
    }
  }
  // The manager's PDF too (their scope), in Lao by default.
  const own = await bytes(report(mgr, { month: M, format: 'pdf' }));
  expect(own.status).toBe(200);
  expect(own.headers['content-disposition']).toContain(`-${A}-lo.pdf`);
}, 120_000);

test.each([
  ['lo', 1440],
  ['lo', 360],
  ['en', 1440],
  ['en', 360],
] as const)(
  'screenshot of the %s report at %i px, with no sideways scrolling',
  async (lang, width) => {
    const html = (await report(tf, { month: M, lang })).text;
    const page = await open(html, width);
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await page.screenshot({
      path: path.join(ARTIFACTS, `monthly-report-${lang}-${width}.png`),
      fullPage: true,
    });
    await page.close();
  },
  60_000,
);

test('the monthly job stores both PDFs and tells the taskforce; staff fetch them; the script does it by hand', async () => {
  const deps = monthlyReportJobDeps(
    p.config,
    p.conn,
    p.redis,
    reportDaysFor(
      p.conn,
      p.redis,
      p.config.queuePrefix,
      Deadlines.fromConfig(p.config).calendar,
      new RedisLock(p.redis, p.config.queuePrefix),
    ),
  );
  const r = await monthlyReportJob(deps, { month: M });
  expect(r.month).toBe(M);
  expect(r.stored.map((s) => s._id)).toEqual([`${M}|all|lo`, `${M}|all|en`]);
  expect([...r.notified].sort()).toEqual(['admin@odsc.gov.la', 'tf@odsc.gov.la']);
  const Stored = monthlyReportModel(p.conn);
  const docs = await Stored.find({ month: M }, { pdf: 0 }).lean();
  expect(docs.map((d) => d._id).sort()).toEqual([`${M}|all|en`, `${M}|all|lo`]);
  for (const d of docs) {
    expect(d.pages).toBe(7);
    expect(d.size).toBeGreaterThan(10_000);
    expect(d.by).toBe('job');
  }

  // The taskforce and admins are told, the center manager is not.
  const board = new NoticeBoard(p.redis, p.config.queuePrefix);
  for (const id of [ids.tf, ids.admin]) {
    const n = (await board.list(id)).items.filter((x) => x.kind === 'monthly_report');
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({
      kind: 'monthly_report',
      month: M,
      scope: 'all',
      langs: ['lo', 'en'],
    });
  }
  expect((await board.list(ids.mgr)).items.filter((x) => x.kind === 'monthly_report')).toEqual([]);
  const notices = (await tf.agent.get('/api/v1/notices')).body;
  expect(notices.items[0]).toMatchObject({ kind: 'monthly_report', month: M });

  // The workspace shows it in the notices panel, with a link to each PDF.
  const { base, close } = await serveOnLocalhost(p.app);
  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'lo-LA' });
  try {
    const page = await ctx.newPage();
    await page.goto(`${base}/dashboard`);
    await page.fill('#login-email', 'tf@odsc.gov.la');
    await page.fill('#login-password', PASSWORD);
    await page.click('[data-screen=login] button[type=submit]');
    await page.waitForSelector('[data-screen=queue]');
    await page.click('.notices-button');
    const entry = page.locator(`#notices-panel li[data-report="${M}"]`);
    await entry.waitFor();
    expect(await entry.locator('strong').textContent()).toBe(`ລາຍງານປະຈຳເດືອນ ${M} ພ້ອມແລ້ວ`);
    const hrefs = await entry
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([
      `/api/v1/reports/monthly/stored/${M}/lo`,
      `/api/v1/reports/monthly/stored/${M}/en`,
    ]);
    const viaLink = await page.request.get(`${base}${hrefs[0]}`);
    expect(viaLink.headers()['content-type']).toBe('application/pdf');
    await page.screenshot({ path: path.join(ARTIFACTS, 'monthly-report-notice-lo-360.png') });
  } finally {
    await ctx.close();
    await close();
  }

  // Staff fetch what the job made.
  const list = (await tf.agent.get('/api/v1/reports/monthly/stored')).body.items;
  expect(list.map((i: { href: string }) => i.href).sort()).toEqual([
    `/api/v1/reports/monthly/stored/${M}/en`,
    `/api/v1/reports/monthly/stored/${M}/lo`,
  ]);
  const lo = await bytes(tf.agent.get(`/api/v1/reports/monthly/stored/${M}/lo`));
  expect(lo.status).toBe(200);
  expect(lo.headers['content-type']).toBe('application/pdf');
  expect((lo.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(fontNames(lo.body as Buffer).some((f) => f.startsWith('NotoSansLao'))).toBe(true);
  expect((await tf.agent.get(`/api/v1/reports/monthly/stored/${PM}/lo`)).status).toBe(404);
  expect((await tf.agent.get(`/api/v1/reports/monthly/stored/${M}/fr`)).status).toBe(404);
  // The stored reports cover every center: not the center manager's to read.
  expect((await mgr.agent.get('/api/v1/reports/monthly/stored')).body.items).toEqual([]);
  expect((await mgr.agent.get(`/api/v1/reports/monthly/stored/${M}/lo`)).status).toBe(404);

  // `npm run report:monthly` by hand: one language, a file, no notice.
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'odsc-report-')), 'may.pdf');
  const cli = await monthlyReportCli(
    ['--month', PM, '--lang', 'en', '--out', out, '--no-notice'],
    p.config,
  );
  expect(cli.stored.map((s) => s._id)).toEqual([`${PM}|all|en`]);
  expect(cli.notified).toEqual([]);
  expect(existsSync(out)).toBe(true);
  expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect((await Stored.findById(`${PM}|all|en`, { pdf: 0 }).lean())!.by).toBe('script');
}, 180_000);

test('the job is scheduled on the 1st of each month at 06:00 Vientiane time', async () => {
  const log = createLogger('test', 'silent');
  const days = reportDaysFor(
    p.conn,
    p.workerRedis,
    p.config.queuePrefix,
    Deadlines.fromConfig(p.config).calendar,
    new RedisLock(p.workerRedis, p.config.queuePrefix),
  );
  const jobs = await startStaffJobs(
    p.config,
    p.workerRedis,
    escalationDeps(p.config, p.conn, p.workerRedis),
    log,
    undefined,
    undefined,
    monthlyReportJobDeps(p.config, p.conn, p.workerRedis, days, log),
  );
  jobs.queue.on('error', () => undefined);
  try {
    await jobs.worker.waitUntilReady();
    const schedulers = await jobs.queue.getJobSchedulers();
    const s = schedulers.find((x) => x.key === MONTHLY_REPORT_JOB);
    expect(s).toMatchObject({ pattern: '0 6 1 * *', tz: 'Asia/Vientiane' });
    // Its next run is a 1st of a month at 06:00 in Vientiane (23:00 UTC the day before).
    const next = new Date(s!.next!);
    const local = new Date(next.getTime() + 7 * 3600e3);
    expect([local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([1, 6, 0]);
  } finally {
    await jobs.queue.removeJobScheduler(MONTHLY_REPORT_JOB);
    await jobs.close();
  }
});

test('the PDF engine renders at most two at once and launches Chromium again after a crash', async () => {
  const engine = new PdfEngine();
  const html = '<!doctype html><html lang="lo"><body><p>ທົດສອບ ກີ່ ເຈົ້າໜ້າທີ່</p></body></html>';
  try {
    const renders = Array.from({ length: 5 }, () => engine.render(html));
    // Two take a page at once, three wait; the browser is launched on first use.
    expect(engine.stats()).toEqual({ running: 2, waiting: 3, launches: 0 });
    const pdfs = await Promise.all(renders);
    expect(pdfs.every((b) => b.subarray(0, 5).toString('latin1') === '%PDF-')).toBe(true);
    // One browser served all five.
    expect(engine.stats()).toEqual({ running: 0, waiting: 0, launches: 1 });

    // Kill the browser process as a crash would (its pid from Chromium itself).
    const browser = (await engine['browser'])!;
    const cdp = await browser.newBrowserCDPSession();
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    const pid = info.processInfo.find((x) => x.type === 'browser')!.id;
    const gone = new Promise((r) => browser.once('disconnected', r));
    process.kill(pid, 'SIGKILL');
    await gone;
    const again = await engine.render(html);
    expect(again.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(engine.stats().launches).toBe(2);
  } finally {
    await engine.close();
  }
}, 60_000);
