import type { FeedbackDoc } from '../../shared/models/feedback.model';
import { CSV_BOM, csvCell, csvLine } from '../../shared/staff/csv';
import {
  EXPORT_COLUMNS,
  exportContact,
  exportFileName,
  exportRow,
  UNREADABLE_CONTACT,
  type ExportViewer,
} from '../../shared/staff/feedback-export';
import type { Role } from '../../shared/staff/roles';
import { parseCsv } from '../helpers/csv';

describe('csvCell (RFC 4180)', () => {
  test.each<[unknown, string]>([
    ['plain', 'plain'],
    ['ລໍຖ້າດົນຫຼາຍ', 'ລໍຖ້າດົນຫຼາຍ'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    [3, '3'],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
    ['', ''],
    [new Date('2026-11-02T03:04:05.000Z'), '2026-11-02T03:04:05.000Z'],
  ])('%j → %j', (v, out) => {
    expect(csvCell(v as never)).toBe(out);
  });

  test.each<[string, string]>([
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['+85620', "'+85620"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
  ])('a cell a spreadsheet would evaluate gets a leading quote: %j', (v, out) => {
    expect(csvCell(v)).toBe(out);
  });

  test('a line is comma-separated and ends in CRLF; the reader gets every value back', () => {
    const values = ['a', 'b,c', 'd"e', 'f\r\ng', '', 'ລາວ'];
    const line = csvLine(values);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parseCsv(line)).toEqual([values]);
    expect(CSV_BOM).toBe('\uFEFF');
    expect(Buffer.from(CSV_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

const PHONE = '+8562055501234';
const sealed = (v: string) => `sealed:${v}`;
const viewer = (role: Role): ExportViewer => ({
  role,
  open: (s) => {
    if (!s.startsWith('sealed:')) throw new Error('unknown key');
    return s.slice('sealed:'.length);
  },
});

function doc(over: Partial<FeedbackDoc> = {}): FeedbackDoc {
  return {
    _id: 'ABCDE12345',
    trackingCode: 'ABCDE12345',
    channel: 'web',
    externalId: 'x',
    status: 'in_review',
    receivedAt: new Date('2026-11-01T18:30:00Z'),
    day: '2026-11-02',
    month: '2026-11',
    sender: { kind: 'phone', idSealed: sealed(PHONE), consentToContact: true },
    text: {
      raw: 'ໂທຫາຂ້ອຍ 020 5550 1234 ແດ່',
      normalized: 'ໂທຫາຂ້ອຍ 020 5550 1234 ແດ່',
      script: 'lo',
      truncated: false,
    },
    rating: 2,
    center: { code: 'LA-VT-XAYSETHA', confidence: 1, method: 'explicit' },
    service: { code: 'land_registration', confidence: 1, method: 'explicit' },
    topics: [
      { code: 'waiting_time', confidence: 0.9, method: 'keyword' },
      { code: 'fees', confidence: 0.8, method: 'keyword' },
    ],
    kind: { code: 'complaint', confidence: 0.9, method: 'keyword' },
    sentiment: -0.5,
    needsTriage: false,
    meta: {},
    slaDueAt: new Date('2026-11-23T16:59:59.999Z'),
    rollupBatch: 'b',
    staffStatus: 'triaged',
    firstReplyAt: new Date('2026-11-03T01:00:00Z'),
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  };
}

const cell = (row: unknown[], name: (typeof EXPORT_COLUMNS)[number]) =>
  row[EXPORT_COLUMNS.indexOf(name)];

describe('exportRow', () => {
  test('every column, in the header order', () => {
    expect(exportRow(doc(), viewer('taskforce'))).toEqual([
      'ABCDE-12345',
      '2026-11-01T18:30:00.000Z',
      '2026-11-02',
      'web',
      'LA-VT-XAYSETHA',
      'land_registration',
      'complaint',
      'waiting_time;fees',
      2,
      'triaged',
      'in_review',
      '2026-11-23T16:59:59.999Z',
      '2026-11-03T01:00:00.000Z',
      null,
      null,
      false,
      'ໂທຫາຂ້ອຍ 020 5550 1234 ແດ່',
      PHONE,
    ]);
    expect(EXPORT_COLUMNS).toHaveLength(18);
  });

  test('unknown codes and missing fields are empty; a document without a staff status is new', () => {
    const row = exportRow(
      doc({
        center: { code: null, confidence: 0, method: 'none' },
        topics: [],
        kind: undefined as never,
        staffStatus: undefined,
        rating: undefined,
        slaDueAt: undefined,
        text: undefined,
        sender: { kind: 'anonymous', consentToContact: false },
      }),
      viewer('admin'),
    );
    expect(cell(row, 'centerCode')).toBeNull();
    expect(cell(row, 'topics')).toBe('');
    expect(cell(row, 'kind')).toBeNull();
    expect(cell(row, 'staffStatus')).toBe('new');
    expect(cell(row, 'citizenStatus')).toBe('received');
    expect(cell(row, 'rating')).toBeNull();
    expect(cell(row, 'text')).toBe('');
    expect(cell(row, 'contact')).toBe('');
  });

  test('roles with the contact ability read the number and the text as written', () => {
    for (const role of ['admin', 'taskforce', 'center_manager'] as const) {
      const row = exportRow(doc(), viewer(role));
      expect(cell(row, 'contact')).toBe(PHONE);
      expect(cell(row, 'text')).toContain('020 5550 1234');
    }
  });

  test('an analyst gets the number masked, in the contact cell and in the text', () => {
    const row = exportRow(doc(), viewer('analyst'));
    expect(cell(row, 'contact')).toBe('+856 20 •••• 1234');
    expect(cell(row, 'text')).toBe('ໂທຫາຂ້ອຍ [redacted…34] ແດ່');
    expect(JSON.stringify(row)).not.toContain('5550');
  });

  test('no consent, no contact, for every role', () => {
    const d = doc({ sender: { kind: 'phone', idSealed: sealed(PHONE), consentToContact: false } });
    for (const role of ['admin', 'taskforce', 'center_manager', 'analyst'] as const)
      expect(exportContact(d, viewer(role))).toBe('');
  });

  test('a Telegram chat is never shown; a value sealed with a lost key is marked, not fatal', () => {
    expect(
      exportContact(
        doc({ sender: { kind: 'telegram', idSealed: sealed('123'), consentToContact: true } }),
        viewer('admin'),
      ),
    ).toBe('Telegram chat');
    expect(
      exportContact(
        doc({ sender: { kind: 'phone', idSealed: 'v2.old.key', consentToContact: true } }),
        viewer('admin'),
      ),
    ).toBe(UNREADABLE_CONTACT);
  });

  test('the day falls back to the Vientiane day of receipt', () => {
    const row = exportRow(doc({ day: undefined as never }), viewer('admin'));
    expect(cell(row, 'day')).toBe('2026-11-02');
  });
});

test('the file name is the Vientiane time of the export', () => {
  expect(exportFileName(new Date('2026-11-30T17:05:00Z'))).toBe('feedback-20261201-0005.csv');
  expect(exportFileName(new Date('2026-01-02T03:04:59Z'))).toBe('feedback-20260102-1004.csv');
});
