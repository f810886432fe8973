/**
 * The CSV export on the real servers (GET /api/v1/exports/feedback.csv): the bytes Excel receives
 * (BOM, header, Lao text as written, RFC 4180 quoting, formulas neutralised), the queue filters and
 * the caller's scope applied to every stored feedback (historical ones too, read from MongoDB, not
 * the Redis working set), what each role sees of the citizen's number, the audit entry, and a
 * streamed response over a real socket — several chunks, an exact row count, and a client that
 * hangs up after the first chunk stops the read (audited as aborted).
 *
 * A bounded export (from and to) reads its period's documents by _id through the report days and
 * the rollup buckets' entries (services/api/staff/export-source.ts): it gives exactly the rows of
 * the scan for the same query (compared byte for byte against the route wired without the report
 * days), reads only the documents its days and centers hold (counted in the audit entry), exports
 * a feedback moved to another center once, and falls back to the scan for a bucket that counts
 * more than it lists. History is stored as the intake leaves it (counted, in its bucket's entries,
 * in its report day). On FerretDB the file runs its own server with the _id indexes `npm start`
 * adds (scripts/ferretdb/idindex), as in production.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createLogger } from '../shared/logger';
import { auditModel } from '../shared/models/audit.model';
import { localBuckets, type FeedbackDoc } from '../shared/models/feedback.model';
import {
  addCounts,
  bucketFields,
  formatEntries,
  parseEntries,
  rollupId,
  tallyCounts,
  tallyOf,
  type Counts,
} from '../shared/models/rollup.model';
import { RedisLock } from '../shared/redis-lock';
import { addDays } from '../shared/reports/metrics';
import { reportDayModel, reportDaysFor, type ReportDays } from '../shared/reports/report-days';
import { AuditLog, type AuditEntry } from '../shared/staff/audit-log';
import { Deadlines } from '../shared/staff/deadlines';
import { EXPORT_COLUMNS } from '../shared/staff/feedback-export';
import type { StaffPrincipal } from '../shared/staff/roles';
import { parseTrackingCode } from '../shared/tracking-code';
import { errorHandler } from '../services/api/middleware/http';
import type { ExportRead } from '../services/api/staff/export-source';
import { exportRoutes } from '../services/api/staff/export.routes';
import { freePort, indexFerretIds, startFerretDb, type RunningServer } from '../scripts/storage';
import { parseCsv } from './helpers/csv';
import {
  serveOnLocalhost,
  startTestPlatform,
  waitFor,
  type TestPlatform,
} from './helpers/platform';
import { makeUser, PASSWORD, signIn, submit, type StaffAgent } from './helpers/staff';

const PATH = '/api/v1/exports/feedback.csv';
const A = 'LA-VT-XAYSETHA';
const B = 'LA-LP';
const PHONE_A = '+8562055501234';
const PHONE_NO_CONSENT = '+8562077709876';
const PHONE_B = '+8562022203456';
const LAO_TEXT = 'ລໍຖ້າດົນຫຼາຍ ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ, ໂທຫາຂ້ອຍ 020 5550 1234 "ດ່ວນ"';
const FORMULA = '=HYPERLINK("http://evil.example","click")';
const BULK = 4000;

let p: TestPlatform;
let ferret: RunningServer | undefined;
let ferretDir: string | undefined;
/** The report days as the nightly rebuild writes them (history is stored below the intake). */
let reportDays: ReportDays;
let admin: StaffAgent;
let tf: StaffAgent;
let mgrA: StaffAgent;
let analyst: StaffAgent;
/** The streaming block's documents, in order of receipt (4 days of 2024-06). */
const bulkDocs: FeedbackDoc[] = [];
/** Display codes (XXXXX-XXXXX) of the feedback put in by beforeAll. */
const c = {} as Record<
  | 'lao'
  | 'b'
  | 'formula'
  | 'noConsent'
  | 'resolvedOld'
  | 'closedOld'
  | 'dayEnd'
  | 'dayStart'
  | 'unknownCenter',
  string
>;

let seq = 0;
/** A stored feedback as the intake worker writes it, for history the intake cannot make up. */
function stored(at: string, over: Partial<FeedbackDoc> = {}): FeedbackDoc {
  const externalId = `export-${seq++}`;
  const code = p.codes.derive('kiosk', externalId);
  const receivedAt = new Date(at);
  return {
    _id: code,
    trackingCode: code,
    channel: 'kiosk',
    externalId,
    status: 'received',
    receivedAt,
    ...localBuckets(receivedAt),
    sender: { kind: 'anonymous', consentToContact: false },
    text: { raw: 'ok', normalized: 'ok', script: 'en', truncated: false },
    rating: 3,
    center: { code: A, confidence: 1, method: 'explicit' },
    service: { code: null, confidence: 0, method: 'none' },
    topics: [],
    kind: { code: 'complaint', confidence: 0.8, method: 'keyword' },
    sentiment: 0,
    needsTriage: false,
    meta: {},
    rollupBatch: 'export-test',
    staffStatus: 'new',
    statusAt: receivedAt,
    createdAt: receivedAt,
    updatedAt: receivedAt,
    ...over,
  };
}
const display = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;

/**
 * Stores feedback as the intake leaves it: each document counted at version 1 in its bucket (the
 * counters and the `code=1` entry the bucket ops write), and its day's report document rebuilt.
 * `legacy` documents are counted as before entries existed: in the counters only.
 */
async function insert(docs: FeedbackDoc[], opts: { legacy?: boolean } = {}): Promise<string[]> {
  if (!opts.legacy) for (const d of docs) d.counted = { v: 1, ...tallyOf(d) };
  await p.Feedback.collection.insertMany(docs as never[]);
  const buckets = new Map<string, { counts: Counts; codes: string[] }>();
  for (const d of docs) {
    const t = tallyOf(d);
    const b = buckets.get(t.b) ?? { counts: {}, codes: [] };
    addCounts(b.counts, tallyCounts(t));
    if (!opts.legacy) b.codes.push(d._id);
    buckets.set(t.b, b);
  }
  const col = p.Rollup.collection;
  for (const [id, b] of buckets) {
    const cur = (await col.findOne({ _id: id as never }, { projection: { c: 1 } })) as {
      c?: string;
    } | null;
    const entries = parseEntries(cur?.c);
    for (const code of b.codes) entries.set(code, 1);
    const { day, month, centerCode, serviceCode, channel } = bucketFields(id);
    await col.updateOne(
      { _id: id as never },
      {
        $inc: b.counts as Record<string, number>,
        $set: { c: formatEntries(entries) },
        $setOnInsert: { day, month, centerCode, serviceCode, channel },
      },
      { upsert: true },
    );
  }
  await reportDays.rebuildDays([...new Set(docs.map((d) => d.day))], { remark: false });
  return docs.map((d) => display(d._id));
}

interface Csv {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
  rows: string[][];
  /** Data rows as objects keyed by the header. */
  items: Record<(typeof EXPORT_COLUMNS)[number], string>[];
}

async function exportCsv(s: StaffAgent, query = ''): Promise<Csv> {
  const res = await s.agent
    .get(`${PATH}${query}`)
    .set('X-As', s.user.email) // who the scan-only app below serves (the api ignores it)
    .buffer(true)
    .parse((r, cb) => {
      const parts: Buffer[] = [];
      r.on('data', (d: Buffer) => parts.push(d));
      r.on('end', () => cb(null, Buffer.concat(parts)));
    });
  const bytes = res.body as Buffer;
  if (res.status !== 200)
    return { status: res.status, headers: res.headers, bytes, rows: [], items: [] };
  const rows = parseCsv(bytes.subarray(3).toString('utf8'));
  const [head, ...data] = rows;
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    rows,
    items: data.map(
      (r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!])) as Csv['items'][number],
    ),
  };
}
const codesOf = (csv: Csv) => csv.items.map((i) => i.trackingCode).sort();

beforeAll(async () => {
  let mongoUrl: string | undefined;
  if (!process.env.MONGO_URL) {
    ferretDir = mkdtempSync(path.join(os.tmpdir(), 'odsc-export-'));
    ferret = await startFerretDb({ dataDir: ferretDir, port: await freePort() });
    mongoUrl = ferret.url.replace(/\/odsc$/, '/export');
  }
  p = await startTestPlatform('export', { worker: true, mongoUrl });
  await reportDayModel(p.conn).createCollection();
  if (ferret) indexFerretIds(ferret.sqliteDir!);
  reportDays = reportDaysFor(
    p.conn,
    p.redis,
    p.config.queuePrefix,
    Deadlines.fromConfig(p.config).calendar,
    new RedisLock(p.redis, p.config.queuePrefix),
  );
  await makeUser(p, 'admin@odsc.gov.la', 'admin');
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  await makeUser(p, 'mgr.a@odsc.gov.la', 'center_manager', [A]);
  await makeUser(p, 'analyst@odsc.gov.la', 'analyst');
  admin = await signIn(p.app, 'admin@odsc.gov.la');
  tf = await signIn(p.app, 'tf@odsc.gov.la');
  mgrA = await signIn(p.app, 'mgr.a@odsc.gov.la');
  analyst = await signIn(p.app, 'analyst@odsc.gov.la');
  // Through the real intake: a Lao complaint with a consenting number at A, one at B, a formula.
  c.lao = await submit(p, {
    centerCode: A,
    text: LAO_TEXT,
    contact: { phone: '020 5550 1234', consentToContact: true },
  });
  c.b = await submit(p, {
    centerCode: B,
    text: 'Waited three hours at Luang Prabang',
    contact: { phone: '020 2220 3456', consentToContact: true },
  });
  c.formula = await submit(p, { centerCode: A, text: FORMULA });
  // History the working set no longer holds, and a number stored without consent (an SMS sender).
  const history = await insert([
    stored('2026-10-05T03:00:00Z', {
      channel: 'sms',
      sender: {
        kind: 'phone',
        idSealed: p.vault.encrypt(PHONE_NO_CONSENT, 'phone'),
        consentToContact: false,
      },
      text: {
        raw: 'no reply wanted',
        normalized: 'no reply wanted',
        script: 'en',
        truncated: false,
      },
    }),
    stored('2025-03-10T02:00:00Z', {
      staffStatus: 'resolved',
      resolvedAt: new Date('2025-03-20T02:00:00Z'),
      satisfaction: 4,
    }),
    stored('2025-03-11T02:00:00Z', {
      staffStatus: 'closed',
      center: { code: B, confidence: 1, method: 'explicit' },
    }),
    // 23:59:59 on 1 March in Vientiane, and the first second of 2 March.
    stored('2025-03-01T16:59:59Z'),
    stored('2025-03-01T17:00:00Z'),
    stored('2025-03-12T02:00:00Z', {
      center: { code: null, confidence: 0.2, method: 'none' },
      needsTriage: true,
    }),
  ]);
  [c.noConsent, c.resolvedOld, c.closedOld, c.dayEnd, c.dayStart, c.unknownCenter] = history as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
}, 120_000);

afterAll(async () => {
  await p?.close();
  await ferret?.stop();
  if (ferretDir) rmSync(ferretDir, { recursive: true, force: true });
});

describe('the file', () => {
  test('UTF-8 with BOM, the stable header, CRLF, and Lao text byte for byte as written', async () => {
    const csv = await exportCsv(tf);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="feedback-\d{8}-\d{4}\.csv"$/,
    );
    expect(csv.headers['cache-control']).toBe('no-store');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const header = Buffer.from(EXPORT_COLUMNS.join(',') + '\r\n', 'utf8');
    expect(csv.bytes.subarray(3, 3 + header.length).equals(header)).toBe(true);
    expect(EXPORT_COLUMNS.join(',')).toBe(
      'trackingCode,receivedAt,day,channel,centerCode,serviceCode,kind,topics,rating,staffStatus,' +
        'citizenStatus,dueAt,firstReplyAt,resolvedAt,satisfaction,needsTriage,text,contact',
    );
    // The text holds a comma and quotes: one quoted field, quotes doubled, the Lao bytes untouched.
    const quoted = Buffer.from(`"${LAO_TEXT.replace(/"/g, '""')}"`, 'utf8');
    expect(csv.bytes.includes(quoted)).toBe(true);
    const row = csv.items.find((i) => i.trackingCode === c.lao)!;
    expect(row.text).toBe(LAO_TEXT);
    expect(row).toMatchObject({
      channel: 'web',
      centerCode: A,
      staffStatus: 'new',
      citizenStatus: 'received',
      needsTriage: 'false',
    });
    expect(new Date(row.receivedAt).toISOString()).toBe(row.receivedAt);
    expect(csv.items).toHaveLength(9);
  });

  test('a formula is neutralised with a leading quote', async () => {
    const csv = await exportCsv(admin);
    const row = csv.items.find((i) => i.trackingCode === c.formula)!;
    expect(row.text).toBe(`'${FORMULA}`);
    expect(
      csv.bytes.includes(Buffer.from(`"'=HYPERLINK(""http://evil.example"",""click"")"`)),
    ).toBe(true);
    for (const r of csv.rows.slice(1))
      for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  test('historical rows come from the database with their dates and outcome', async () => {
    const csv = await exportCsv(tf, '?status=resolved');
    expect(codesOf(csv)).toEqual([c.resolvedOld]);
    expect(csv.items[0]).toMatchObject({
      receivedAt: '2025-03-10T02:00:00.000Z',
      day: '2025-03-10',
      staffStatus: 'resolved',
      citizenStatus: 'resolved',
      resolvedAt: '2025-03-20T02:00:00.000Z',
      satisfaction: '4',
      rating: '3',
      kind: 'complaint',
    });
    // The display form citizens read (XXXXX-XXXXX), which the search box also takes.
    const code = csv.items[0]!.trackingCode;
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(parseTrackingCode(code)).toBe(code.replace('-', ''));
  });
});

describe('filters and scope', () => {
  test('status, center and from/to (Vientiane days, inclusive) select the right rows', async () => {
    expect(codesOf(await exportCsv(tf, '?status=closed'))).toEqual([c.closedOld]);
    expect(codesOf(await exportCsv(tf, '?status=resolved,closed'))).toEqual(
      [c.resolvedOld, c.closedOld].sort(),
    );
    expect(codesOf(await exportCsv(tf, `?center=${B}`))).toEqual([c.b, c.closedOld].sort());
    expect(codesOf(await exportCsv(tf, '?from=2025-03-02&to=2025-03-02'))).toEqual([c.dayStart]);
    expect(codesOf(await exportCsv(tf, '?to=2025-03-01'))).toEqual([c.dayEnd]);
    expect(codesOf(await exportCsv(tf, '?from=2025-03-01&to=2025-03-31'))).toEqual(
      [c.dayEnd, c.dayStart, c.resolvedOld, c.closedOld, c.unknownCenter].sort(),
    );
    expect(codesOf(await exportCsv(tf, '?needsTriage=true&from=2025-01-01&to=2025-12-31'))).toEqual(
      [c.unknownCenter],
    );
    expect(codesOf(await exportCsv(tf, '?status=open&channel=web&center=' + A))).toEqual(
      [c.lao, c.formula].sort(),
    );
  });

  test('limit, cursor and sort select nothing (the whole result is exported); bad filters are 422', async () => {
    expect((await exportCsv(tf, '?limit=1&sort=received_asc')).items).toHaveLength(9);
    const bad = await tf.agent.get(`${PATH}?center[$ne]=x`);
    expect(bad.status).toBe(422);
    expect(bad.headers['content-disposition']).toBeUndefined();
    expect((await tf.agent.get(`${PATH}?from=2025-02-30`)).status).toBe(422);
  });

  test("a center manager gets only their centers' rows, and no number from elsewhere", async () => {
    const csv = await exportCsv(mgrA);
    expect(csv.items.length).toBeGreaterThan(0);
    expect(new Set(csv.items.map((i) => i.centerCode))).toEqual(new Set([A]));
    expect(codesOf(csv)).not.toContain(c.b);
    expect(codesOf(csv)).not.toContain(c.unknownCenter);
    const body = csv.bytes.toString('utf8');
    expect(body).not.toContain(PHONE_B.slice(4));
    expect(body).not.toContain(PHONE_NO_CONSENT.slice(4));
    // Asking for another center is not a way out of the scope.
    expect((await exportCsv(mgrA, `?center=${B}`)).items).toEqual([]);
  });

  test('the number of a consenting citizen for taskforce; never without consent; masked for analysts', async () => {
    const tfCsv = await exportCsv(tf);
    const row = (csv: Csv, code: string) => csv.items.find((i) => i.trackingCode === code)!;
    // The leading quote keeps a spreadsheet from reading +856… as a formula or a number.
    expect(row(tfCsv, c.lao).contact).toBe(`'${PHONE_A}`);
    expect(row(tfCsv, c.noConsent).contact).toBe('');
    expect(tfCsv.bytes.toString('utf8')).not.toContain(PHONE_NO_CONSENT.slice(4));

    const anCsv = await exportCsv(analyst);
    expect(row(anCsv, c.lao).contact).toBe("'+856 20 •••• 1234");
    expect(row(anCsv, c.lao).text).toBe(LAO_TEXT.replace('020 5550 1234', '[redacted…34]'));
    expect(row(anCsv, c.noConsent).contact).toBe('');
    const body = anCsv.bytes.toString('utf8');
    for (const n of [PHONE_A, PHONE_B, PHONE_NO_CONSENT]) expect(body).not.toContain(n.slice(6));
    expect(anCsv.items).toHaveLength(9);
  });

  test('no session is 401', async () => {
    const res = await request(p.app).get(PATH);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});

interface AuditItem {
  at: string;
  actor: { id: string; email: string } | null;
  action: string;
  target: string;
  details?: {
    filter: Record<string, unknown>;
    rows: number;
    read: ExportRead;
    aborted: boolean;
    contact: string;
  };
}

/** Waits for the export audit entry that matches (it is written when the stream has ended). */
function exportAudit(match: (e: AuditItem) => boolean, label: string): Promise<AuditItem> {
  return waitFor(async () => {
    const res = await admin.agent.get('/api/v1/audit?action=export&limit=100');
    expect(res.status).toBe(200);
    return (res.body.items as AuditItem[]).find(match);
  }, label);
}

test('every export is audited with its filter and the rows written', async () => {
  const csv = await exportCsv(analyst, '?status=resolved,closed&from=2025-03-01');
  expect(csv.items).toHaveLength(2);
  const entry = await exportAudit(
    (e) => e.actor?.email === 'analyst@odsc.gov.la' && e.details?.filter.from === '2025-03-01',
    "the analyst's export audit entry",
  );
  expect(entry).toMatchObject({
    actor: { email: 'analyst@odsc.gov.la' },
    action: 'export',
    target: 'feedback.csv',
    details: {
      filter: { status: ['resolved', 'closed'], from: '2025-03-01' },
      rows: 2,
      aborted: false,
      contact: 'masked',
    },
  });
});

describe('streaming', () => {
  let server: { base: string; close(): Promise<void> };
  let cookie: string;
  let bulk: Set<string>;

  /** A GET over a fresh socket (no keep-alive pool left open after the test). */
  const get = (path: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(`${server.base}${path}`, { agent: false, headers: { cookie } }, resolve)
        .on('error', reject),
    );

  beforeAll(async () => {
    // Long Lao texts: about 3 MB of CSV, more than one write and more than the socket holds.
    const text = 'ບໍລິການຊ້າຫຼາຍ ຕ້ອງມາຫຼາຍເທື່ອ ເຈົ້າໜ້າທີ່ບໍ່ອະທິບາຍຄ່າທຳນຽມ. '.repeat(4);
    for (let i = 0; i < BULK; i++)
      bulkDocs.push(
        stored(new Date(Date.parse('2024-06-01T00:00:00Z') + i * 60_000).toISOString(), {
          text: { raw: `${i} ${text}`, normalized: `${i} ${text}`, script: 'lo', truncated: false },
        }),
      );
    bulk = new Set(await insert(bulkDocs));
    server = await serveOnLocalhost(p.app);
    const login = await request(server.base)
      .post('/api/v1/auth/login')
      .send({ email: 'tf@odsc.gov.la', password: PASSWORD });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  // The same year of rows by day (from and to) and by the scan (no from: unbounded).
  const paths = [
    ['by day', '?from=2024-01-01&to=2024-12-31', { from: '2024-01-01', to: '2024-12-31' }],
    ['by the scan', '?to=2024-12-31', { to: '2024-12-31' }],
  ] as const;

  test.each(paths)(
    'thousands of rows arrive as a stream of chunks, each row exactly once (%s)',
    async (_, query) => {
      const res = await get(`${PATH}${query}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      expect(chunks.length).toBeGreaterThan(1);
      const body = Buffer.concat(chunks);
      expect(body.length).toBeGreaterThan(1_000_000);
      const [, ...data] = parseCsv(body.subarray(3).toString('utf8'));
      expect(data).toHaveLength(BULK);
      expect(new Set(data.map((r) => r[0]))).toEqual(bulk);
    },
  );

  test('by day, the rows come in order of receipt', async () => {
    const res = await get(`${PATH}?from=2024-01-01&to=2024-12-31`);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const [, ...data] = parseCsv(Buffer.concat(chunks).subarray(3).toString('utf8'));
    const at = data.map((r) => r[1]!);
    expect(at).toEqual([...at].sort());
    expect(data.map((r) => r[0])).toEqual(bulkDocs.map((d) => display(d._id)));
  });

  test.each(paths)(
    'a client that hangs up stops the read, and the audit says so (%s)',
    async (_, query, filter) => {
      const res = await get(`${PATH}${query}`);
      expect(res.statusCode).toBe(200);
      await new Promise((resolve) => res.once('data', resolve));
      res.destroy();
      const entry = await exportAudit(
        (e) =>
          e.details?.aborted === true &&
          JSON.stringify(e.details.filter) === JSON.stringify(filter),
        'the aborted export audit entry',
      );
      expect(entry).toMatchObject({ actor: { email: 'tf@odsc.gov.la' }, details: { filter } });
      // It stopped reading: the rows before the hang-up, not the whole result.
      expect(entry.details!.rows).toBeGreaterThan(0);
      expect(entry.details!.rows).toBeLessThan(BULK);
      expect(entry.details!.read.documents).toBeLessThan(BULK);
    },
  );
});

/** The route wired as before the report days: every export scans. Its audit entries are kept here. */
class KeptAudit extends AuditLog {
  readonly entries: AuditEntry[] = [];
  override async record(e: AuditEntry): Promise<void> {
    this.entries.push(e);
  }
}

describe('the bounded export', () => {
  let scanAudit: KeptAudit;
  let scanApp: express.Express;
  const until = addDays(localBuckets(new Date()).day, 1);
  const MIXED = '2025-04-15';
  /** Tracking codes of the mixed day, by center. */
  const mixed = { a: [] as string[], b: [] as string[], unknown: [] as string[] };
  let stay: string;
  let moved: string;

  /** The same caller on the scan-only app. */
  const scanning = (s: StaffAgent): StaffAgent => ({ ...s, agent: request.agent(scanApp) });

  beforeAll(async () => {
    const principals = new Map<string, StaffPrincipal>(
      [admin, tf, mgrA, analyst].map((s) => [s.user.email, s.user as StaffPrincipal]),
    );
    scanAudit = new KeptAudit(auditModel(p.conn));
    scanApp = express();
    scanApp.use((req, _res, next) => {
      req.id = 'scan-only';
      req.staff = principals.get(req.get('X-As') ?? '');
      next();
    });
    scanApp.use(exportRoutes({ Feedback: p.Feedback, audit: scanAudit, vault: p.vault }));
    scanApp.use(errorHandler(createLogger('test', 'silent')));

    // One day at two centers and an unknown one: 3 at A (2 in one bucket), 2 at B, 1 unknown.
    const at = (h: number) => `2025-04-15T0${h}:00:00Z`;
    const land = { code: 'land_registration', confidence: 1, method: 'explicit' as const };
    const atB = { code: B, confidence: 1, method: 'explicit' as const };
    mixed.a = await insert([
      stored(at(1), { channel: 'web', service: land }),
      stored(at(2), { channel: 'web', service: land }),
      stored(at(3)),
    ]);
    mixed.b = await insert([stored(at(4), { center: atB }), stored(at(5), { center: atB })]);
    mixed.unknown = await insert([
      stored(at(6), { center: { code: null, confidence: 0.1, method: 'none' }, needsTriage: true }),
    ]);

    // Two complaints at A in one bucket, through the intake; staff move one to B.
    stay = await submit(p, {
      centerCode: A,
      serviceCode: 'land_registration',
      text: 'ລໍຖ້າດົນຫຼາຍ ຢູ່ຫ້ອງການທີ່ດິນ',
    });
    moved = await submit(p, {
      centerCode: A,
      serviceCode: 'land_registration',
      text: 'ເຈົ້າໜ້າທີ່ບໍ່ສຸພາບ ຫ້ອງການທີ່ດິນ',
    });
    const res = await tf.agent
      .patch(`/api/v1/feedback/${moved}`)
      .set('X-CSRF-Token', tf.csrf)
      .send({ centerCode: B });
    expect(res.status).toBe(200);
  }, 120_000);

  /** The latest export audit entry of this caller written since `since`. */
  const auditSince = (s: StaffAgent, since: string) =>
    exportAudit(
      (e) => e.actor?.email === s.user.email && e.at >= since,
      `the export audit entry of ${s.user.email}`,
    );

  const who = () => ({ admin, tf, mgrA, analyst });
  test.each([
    ['one day of the bulk', 'tf', '?from=2024-06-02&to=2024-06-02', true],
    ['a month of history', 'tf', '?from=2025-03-01&to=2025-03-31', true],
    ['a status', 'tf', '?from=2025-03-01&to=2025-03-31&status=resolved,closed', true],
    ['a center (its buckets only)', 'tf', `?from=2024-01-01&to=${until}&center=${B}`, true],
    [
      'open, web, one center',
      'tf',
      `?from=2025-01-01&to=${until}&status=open&channel=web&center=${A}`,
      true,
    ],
    ['a province and a Lao text', 'tf', `?from=2025-01-01&to=${until}&province=LA-VT&q=ດົນ`, true],
    [
      'unknown center, needs triage',
      'admin',
      `?from=2025-01-01&to=${until}&needsTriage=true`,
      true,
    ],
    ["a center manager's scope", 'mgrA', `?from=2024-06-01&to=${until}`, true],
    ['a center outside the scope', 'mgrA', `?from=2025-01-01&to=${until}&center=${B}`, false],
    ['an analyst (masked numbers)', 'analyst', `?from=2025-01-01&to=${until}`, true],
    ['a rating and a kind', 'tf', `?from=2025-01-01&to=${until}&rating=2,3&kind=complaint`, true],
    ['from after to', 'tf', '?from=2025-03-31&to=2025-03-01', false],
  ] as const)(
    'by day gives the rows of the scan, byte for byte: %s',
    async (_, role, query, some) => {
      const s = who()[role];
      const since = new Date().toISOString();
      const byDay = await exportCsv(s, query);
      const scanned = await exportCsv(scanning(s), query);
      expect(byDay.status).toBe(200);
      expect(scanned.status).toBe(200);
      const sorted = (csv: Csv) => csv.rows.map((r) => JSON.stringify(r)).sort();
      expect(sorted(byDay)).toEqual(sorted(scanned));
      expect(byDay.bytes.length).toBe(scanned.bytes.length);
      if (some) expect(byDay.items.length).toBeGreaterThan(0);
      else expect(byDay.items).toEqual([]);
      // Each went its own way.
      expect((await auditSince(s, since)).details!.read.via).toBe('days');
      expect(scanAudit.entries[scanAudit.entries.length - 1]!.details!.read).toMatchObject({
        via: 'scan',
        buckets: 0,
      });
    },
  );

  test("one day reads that day's documents only; a center, only its buckets", async () => {
    expect(await p.Feedback.countDocuments()).toBeGreaterThan(BULK);
    const day = '2024-06-02';
    const ofDay = bulkDocs.filter((d) => d.day === day).length;
    expect(ofDay).toBe(1440);
    const read = async (s: StaffAgent, query: string, rows: number) => {
      const since = new Date().toISOString();
      expect((await exportCsv(s, query)).items).toHaveLength(rows);
      return (await auditSince(s, since)).details!.read;
    };
    expect(await read(tf, `?from=${day}&to=${day}`, ofDay)).toEqual({
      via: 'days',
      documents: ofDay,
      buckets: 1,
    });
    // The mixed day: 4 buckets (A web, A kiosk, B, unknown) holding 6 documents.
    const q = `?from=${MIXED}&to=${MIXED}`;
    expect(await read(tf, q, 6)).toEqual({ via: 'days', documents: 6, buckets: 4 });
    expect(await read(mgrA, q, 3)).toEqual({ via: 'days', documents: 3, buckets: 2 });
    expect(await read(tf, `${q}&center=${B}`, 2)).toEqual({
      via: 'days',
      documents: 2,
      buckets: 1,
    });
    expect(await read(tf, `${q}&channel=web`, 2)).toEqual({
      via: 'days',
      documents: 2,
      buckets: 1,
    });
    // A status is not a bucket key: the day's other documents are read, and dropped.
    expect(await read(tf, `${q}&status=closed`, 0)).toEqual({
      via: 'days',
      documents: 6,
      buckets: 4,
    });
    // Without a `to`, the scan: every document received since `from`, read to be filtered.
    const received = await p.Feedback.collection.countDocuments({
      receivedAt: { $gte: new Date('2025-04-14T17:00:00Z') },
    });
    // At B since then: the mixed day's two, and today's two (put in at B, moved to B).
    expect(await read(tf, `?from=${MIXED}&center=${B}`, 2 + 2)).toEqual({
      via: 'scan',
      documents: received,
      buckets: 0,
    });
  });

  test('a feedback moved to another center is exported once, under its new center', async () => {
    const id = parseTrackingCode(moved)!;
    const day = (await p.Feedback.findById(id).lean<FeedbackDoc>())!.day;
    // Its old bucket still lists it, at a negative version; the new one counts it.
    const entry = async (center: string) => {
      const bucket = rollupId({
        day,
        centerCode: center,
        serviceCode: 'land_registration',
        channel: 'web',
      });
      const r = (await p.Rollup.collection.findOne(
        { _id: bucket as never },
        { projection: { c: 1 } },
      )) as { c?: string } | null;
      return parseEntries(r?.c).get(id);
    };
    expect(await entry(A)).toBeLessThan(0);
    expect(await entry(B)).toBeGreaterThan(0);

    const q = `?from=${day}&to=${day}`;
    const rowsOf = (csv: Csv, code: string) => csv.items.filter((i) => i.trackingCode === code);
    const all = await exportCsv(tf, q);
    expect(rowsOf(all, moved)).toEqual([expect.objectContaining({ centerCode: B })]);
    expect(rowsOf(all, stay)).toEqual([expect.objectContaining({ centerCode: A })]);
    expect(codesOf(await exportCsv(tf, `${q}&center=${B}`))).toContain(moved);
    const since = new Date().toISOString();
    expect(codesOf(await exportCsv(tf, `${q}&center=${A}`))).not.toContain(moved);
    // The old bucket's negative entry is not read: only what is at A now.
    const atA = await p.Feedback.collection.countDocuments({ day, 'center.code': A });
    expect((await auditSince(tf, since)).details!.read.documents).toBe(atA);
    const mine = codesOf(await exportCsv(mgrA, q));
    expect(mine).toContain(stay);
    expect(mine).not.toContain(moved);
  });

  test('a listed document received outside the period is read, and not exported', async () => {
    // Cannot happen (a document's day is its receipt's), but the predicate decides every row.
    await insert([stored('2023-03-05T03:00:00Z', { day: '2023-03-01', month: '2023-03' })]);
    const since = new Date().toISOString();
    expect((await exportCsv(tf, '?from=2023-03-01&to=2023-03-01')).items).toEqual([]);
    expect((await auditSince(tf, since)).details!.read).toEqual({
      via: 'days',
      documents: 1,
      buckets: 1,
    });
  });

  test('a bucket that counts more than it lists is read with the scan, from its day on', async () => {
    const day = '2023-02-10';
    const [listed] = await insert([stored('2023-02-10T03:00:00Z', { channel: 'web' })]);
    // Counted before entries existed: in the counters, not in the list.
    const [legacy] = await insert([stored('2023-02-10T04:00:00Z')], { legacy: true });
    const since = new Date().toISOString();
    const csv = await exportCsv(tf, `?from=${day}&to=2023-02-11`);
    expect(codesOf(csv)).toEqual([listed!, legacy!].sort());
    expect((await auditSince(tf, since)).details!.read).toEqual({
      via: 'days',
      documents: 2,
      buckets: 2,
      scanFrom: day,
    });
  });
});
