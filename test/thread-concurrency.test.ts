/**
 * Pieces of one SMS or Telegram thread that arrive together, consumed by two intake workers with
 * their own Redis and MongoDB connections (as two processes): every piece's text is in the stored
 * feedback exactly once, and the rollups equal a recount of the feedback.
 */
import type { IntakeEnvelope } from '../shared/intake-envelope.schema';
import { intakeJobId } from '../shared/intake-envelope.schema';
import { rollupDifferences } from '../workers/intake/rollup-recount';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { startSeparateWorker, type SeparateWorker } from './helpers/workers';

let p: TestPlatform;
let workers: SeparateWorker[] = [];
beforeAll(async () => {
  p = await startTestPlatform('threadrace');
  workers = [await startSeparateWorker(p), await startSeparateWorker(p)];
});
afterAll(async () => {
  for (const w of workers) await w.close();
  await p.close();
});

const DAY = '2026-10-14';
const PIECES = [
  'ລໍຖ້າ 3 ອາທິດ ແລ້ວ ຍັງບໍ່ໄດ້',
  'ຢູ່ ຫ້ອງການ ສະຫວັນນະເຂດ ເຮັດໃບຂັບຂີ່',
  'staff very rude and asked for extra money',
  'they asked 50000 kip extra',
  'ພະນັກງານບໍ່ສຸພາບ',
  'waited 4 hours at the counter',
  'no information about the documents',
  'the queue system was broken',
  'ບໍ່ມີບ່ອນນັ່ງ',
  'please answer me',
];

function envelope(
  channel: 'sms' | 'telegram',
  externalId: string,
  text: string,
  meta: IntakeEnvelope['meta'] = {},
): IntakeEnvelope {
  return {
    v: 1,
    channel,
    externalId,
    receivedAt: `${DAY}T03:00:00.000Z`,
    sender: { kind: 'anonymous', consentToContact: false },
    text,
    meta,
  };
}

const drained = () =>
  waitFor(
    async () => {
      const c = await p.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0;
    },
    'intake drained',
    60_000,
  );

async function thread(channel: 'sms' | 'telegram', tag: string) {
  const id = (i: number) => (channel === 'sms' ? `SM${tag}${i}` : `77${tag.length}:${tag}${i}`);
  const first = envelope(channel, id(0), 'ມີບັນຫາ ຢາກຮ້ອງຮຽນ');
  const code = p.codes.derive(channel, first.externalId);
  await p.queue.add(channel, first, { jobId: intakeJobId(channel, first.externalId) });
  await p.counted(code);
  // Every further piece at the same moment, all pointing at the first one.
  const pieces = PIECES.map((text, i) =>
    envelope(channel, id(i + 1), `${tag}#${i} ${text}`, { appendTo: code }),
  );
  await p.queue.addBulk(
    pieces.map((e) => ({
      name: channel,
      data: e,
      opts: { jobId: intakeJobId(channel, e.externalId) },
    })),
  );
  return { code, pieces };
}

test.each([
  ['sms', 'A'],
  ['telegram', 'B'],
] as const)(
  '%s: ten pieces at once, two workers: each piece stored once, rollups equal a recount',
  async (channel, tag) => {
    const before = workers.map((w) => w.completed);
    const { code, pieces } = await thread(channel, `race${tag}`);
    await drained();
    expect(await p.queue.getFailedCount()).toBe(0);
    // Both workers took part.
    workers.forEach((w, i) => expect(w.completed).toBeGreaterThan(before[i]!));
    const doc = await p.Feedback.findById(code).lean();
    const raw = doc!.text!.raw;
    for (const piece of pieces) expect(raw.split(piece.text!).length - 1).toBe(1);
    expect(raw.split('\n')).toHaveLength(PIECES.length + 1);
    expect(new Set(doc!.parts)).toHaveProperty('size', PIECES.length);
    expect(doc!.parts).toHaveLength(PIECES.length);
    expect(doc!.counted?.prev).toBeUndefined();
    expect(await rollupDifferences(p, [DAY])).toEqual([]);
  },
);
