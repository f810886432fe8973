/**
 * The rules the published figures rest on, at their edges, through the document the intake worker
 * stores (buildFeedback): the Vientiane day and month a receipt is counted in (UTC+7: the day turns
 * at 17:00Z, not at midnight UTC), and the complaint due date, to the millisecond.
 */
import { localBuckets } from '../../shared/models/feedback.model';
import { rollupId, tallyOf } from '../../shared/models/rollup.model';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import { Deadlines } from '../../shared/staff/deadlines';
import type { Classification } from '../../workers/intake/classify.step';
import type { NormalizedIntake } from '../../workers/intake/normalize.step';
import { buildFeedback } from '../../workers/intake/store.step';

/** 3 working days by default, 10 for the family book (as a service-specific SLA). */
const deadlines = new Deadlines(3, { family_book: 10 });

function envelope(receivedAt: string): IntakeEnvelope {
  return {
    v: 1,
    channel: 'web',
    externalId: `edge-${receivedAt}`,
    receivedAt,
    sender: { kind: 'anonymous', consentToContact: false },
    centerCode: 'LA-VT',
    meta: {},
  };
}

function classified(
  kind: string,
  serviceCode: string | null = 'land_registration',
): Classification {
  return {
    center: { code: 'LA-VT', confidence: 1, method: 'explicit' },
    service: { code: serviceCode, confidence: serviceCode ? 1 : 0, method: 'explicit' },
    topics: [],
    kind: { code: kind, confidence: 0.9, method: 'keyword' },
    sentiment: kind === 'praise' ? 1 : -1,
    needsTriage: false,
  } as Classification;
}

const words: NormalizedIntake = {
  text: { raw: 'ລໍຖ້າດົນ', normalized: 'ລໍຖ້າດົນ', script: 'lo', truncated: false },
  sender: { kind: 'anonymous', consentToContact: false },
};

const stored = (receivedAt: string, kind = 'complaint', service?: string | null) =>
  buildFeedback(envelope(receivedAt), 'TESTCODE00', words, classified(kind, service), deadlines);

describe('the Vientiane day and month a receipt is counted in (UTC+7)', () => {
  test.each([
    // [receivedAt (UTC), local day, local month]
    ['2026-01-14T16:59:59Z', '2026-01-14', '2026-01'],
    ['2026-01-14T17:00:00Z', '2026-01-15', '2026-01'],
    ['2026-01-14T00:00:00Z', '2026-01-14', '2026-01'], // UTC midnight is 07:00 local: no change
    ['2026-01-13T23:59:59Z', '2026-01-14', '2026-01'],
    // a month boundary
    ['2026-03-31T16:59:59Z', '2026-03-31', '2026-03'],
    ['2026-03-31T17:00:00Z', '2026-04-01', '2026-04'],
    // a year boundary
    ['2026-12-31T16:59:59.999Z', '2026-12-31', '2026-12'],
    ['2026-12-31T17:00:00Z', '2027-01-01', '2027-01'],
    // February of a common year ends on the 28th
    ['2027-02-28T17:00:00Z', '2027-03-01', '2027-03'],
  ])('%s is day %s of month %s', (at, day, month) => {
    expect(localBuckets(new Date(at))).toEqual({ day, month });
    const doc = stored(at);
    expect({ day: doc.day, month: doc.month }).toEqual({ day, month });
    // The rollup bucket the document is counted in carries the same local day.
    expect(tallyOf(doc).b).toBe(
      rollupId({ day, centerCode: 'LA-VT', serviceCode: 'land_registration', channel: 'web' }),
    );
  });
});

describe('the due date of what is stored', () => {
  test('a complaint received on a Friday is due 3 working days later, past the weekend and Lao New Year', () => {
    // Friday 10 April 2026, 10:00 local. Working days after it: Mon 13, (14-16 New Year), Fri 17,
    // Mon 20 -> due at the end of Monday 20 April, Vientiane time.
    const doc = stored('2026-04-10T03:00:00Z');
    expect(doc.slaDueAt?.toISOString()).toBe('2026-04-20T16:59:59.999Z');
  });

  test('a complaint received at 17:00Z belongs to the next local day, so its due date moves a day', () => {
    // Monday 12 Jan 2026 16:59:59Z is still Monday in Vientiane; 17:00Z is Tuesday.
    expect(stored('2026-01-12T16:59:59Z').slaDueAt?.toISOString()).toBe('2026-01-15T16:59:59.999Z');
    expect(stored('2026-01-12T17:00:00Z').slaDueAt?.toISOString()).toBe('2026-01-16T16:59:59.999Z');
  });

  test('a service with its own figure uses it: family book, 10 working days', () => {
    // Friday 9 Jan 2026 -> 10 working days -> Friday 23 Jan.
    expect(stored('2026-01-09T03:00:00Z', 'complaint', 'family_book').slaDueAt?.toISOString()).toBe(
      '2026-01-23T16:59:59.999Z',
    );
    // Unknown service: the default 3 days, Fri 9 -> Wed 14 Jan.
    expect(stored('2026-01-09T03:00:00Z', 'complaint', null).slaDueAt?.toISOString()).toBe(
      '2026-01-14T16:59:59.999Z',
    );
  });

  test.each(['praise', 'suggestion', 'question', 'other'])(
    'kind %s has no due date: the field is absent, not null',
    (kind) => {
      const doc = stored('2026-04-10T03:00:00Z', kind);
      expect('slaDueAt' in doc).toBe(false);
    },
  );
});
