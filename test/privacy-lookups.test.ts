/**
 * Erasure's look-up records (shared/privacy/lookups.ts, docs/privacy.md#look-up-records): the
 * intake writes them beside the feedback (per sender hash, per contact-number hash, per received
 * day), a retried job adds nothing twice, erasure by number and by tracking code and the retention
 * sweep find everything through them and take out what they erased, and a database written before
 * they existed is backfilled (by `npm run privacy:reindex`, or by the first erasure) so it still
 * erases completely. Real api, worker, Redis and FerretDB.
 */
import type { Queue } from 'bullmq';
import { localBuckets } from '../shared/models/feedback.model';
import { senderHashInput } from '../shared/pii';
import { eraseCitizen, eraseExpired, type ErasureDeps } from '../shared/privacy/erasure';
import {
  contactKey,
  contactPhoneHash,
  dayKey,
  DAYS,
  LOCK_CHUNK,
  LOOKUP_COLLECTION,
  PrivacyLookups,
  senderKey,
  STATE,
  type LookupDoc,
} from '../shared/privacy/lookups';
import { runScript, startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
let deps: ErasureDeps;

beforeAll(async () => {
  p = await startTestPlatform('privacy_lookups', { worker: true });
  deps = {
    conn: p.conn,
    redis: p.redis,
    vault: p.vault,
    queuePrefix: p.config.queuePrefix,
    queues: [p.queue as unknown as Queue],
  };
  // Backfilled, final, as `npm run privacy:reindex` leaves a database: erasure finds only what the
  // records list (no backfill of its own), so the tests below show what the intake wrote. Only the
  // tests of the backfill itself clear this state.
  await new PrivacyLookups(p.conn, p.redis, p.config.queuePrefix).backfill(p.vault);
});
afterAll(async () => {
  await p.close();
});

const lookups = () => p.conn.collection<LookupDoc>(LOOKUP_COLLECTION);
const idsOf = async (key: string) => (await lookups().findOne({ _id: key }))?.ids ?? null;
const hashOf = (kind: string, id: string, verified?: boolean) =>
  p.vault.hash(senderHashInput(kind, id, verified));

let seq = 0;
/** Queues an envelope as its adapter would and waits until the feedback is stored and counted. */
async function intake(
  channel: 'sms' | 'telegram' | 'web' | 'kiosk',
  sender: { kind: 'phone' | 'telegram' | 'anonymous'; id?: string },
  opts: {
    contact?: string;
    receivedAt?: Date;
    externalId?: string;
    jobId?: string;
    meta?: Record<string, string>;
  } = {},
): Promise<string> {
  const externalId = opts.externalId ?? `lookup-${Date.now()}-${seq++}`;
  const envelope = {
    v: 1,
    channel,
    externalId,
    receivedAt: (opts.receivedAt ?? new Date()).toISOString(),
    sender: {
      kind: sender.kind,
      ...(sender.id
        ? { id: p.vault.encrypt(sender.id, sender.kind === 'telegram' ? 'telegram' : 'phone') }
        : {}),
      consentToContact: true,
    },
    text: `ລໍຖ້າດົນ ${externalId}`,
    rating: 2,
    centerCode: 'LA-VT-XAYSETHA',
    serviceCode: 'land_registration',
    meta: {
      ...opts.meta,
      ...(opts.contact ? { contactPhoneSealed: p.vault.encrypt(opts.contact, 'phone') } : {}),
    },
  };
  const job = await p.queue.add(
    channel,
    envelope as never,
    opts.jobId ? { jobId: opts.jobId } : {},
  );
  const state = await waitFor(async () => {
    const s = await job.getState();
    // Completed jobs are removed (removeOnComplete): 'unknown' is done too.
    return s === 'completed' || s === 'unknown' || s === 'failed' ? s : null;
  }, `intake job ${externalId}`);
  if (state === 'failed')
    throw new Error(`intake failed: ${(await p.queue.getJob(job.id!))?.failedReason}`);
  const code = p.codes.derive(channel, externalId);
  await p.counted(code);
  return code;
}

const held = async (code: string) => {
  const d = (await p.Feedback.findById(code).lean())!;
  return Boolean(d.sender.idSealed || d.sender.idHash || d.meta?.contactPhoneSealed);
};

test('erasure by number finds what was sent from it (verified and unverified) and left as a contact number, through the look-up records', async () => {
  const phone = '+8562055561234';
  const sms = await intake('sms', { kind: 'phone', id: phone });
  const web = await intake('web', { kind: 'phone', id: phone }); // typed on the form: unverified
  const tg = await intake('telegram', { kind: 'telegram', id: '7700112233' }, { contact: phone });
  const other = await intake('sms', { kind: 'phone', id: '+8562055569999' });

  // Written by the intake: the sender hashes, the contact number's hash, the day.
  expect(await idsOf(senderKey(hashOf('phone', phone)))).toEqual([sms]);
  expect(await idsOf(senderKey(hashOf('phone', phone, false)))).toEqual([web]);
  expect(await idsOf(senderKey(hashOf('telegram', '7700112233')))).toEqual([tg]);
  const contact = contactPhoneHash(p.vault, phone);
  expect((await p.Feedback.findById(tg).lean())!.meta.contactPhoneHash).toBe(contact);
  expect(await idsOf(contactKey(contact))).toEqual([tg]);
  const day = localBuckets(new Date()).day;
  expect(await idsOf(dayKey(day))).toEqual(expect.arrayContaining([sms, web, tg, other]));
  expect((await lookups().findOne({ _id: DAYS }))?.days).toContain(day);

  const r = await eraseCitizen(deps, { phone: '020 5556 1234' });
  expect(r.feedback).toBe(3);
  expect(r.complete).toBe(true);
  for (const code of [sms, web, tg]) expect(await held(code)).toBe(false);
  expect(JSON.stringify(await p.Feedback.findById(tg).lean())).not.toContain(contact);
  expect(await held(other)).toBe(true);
  // The erased ids left their records; the records left empty are gone.
  expect(await idsOf(senderKey(hashOf('phone', phone)))).toBeNull();
  expect(await idsOf(senderKey(hashOf('phone', phone, false)))).toBeNull();
  expect(await idsOf(contactKey(contact))).toBeNull();
  const dayIds = (await idsOf(dayKey(day)))!;
  expect(dayIds).toContain(other);
  for (const code of [sms, web, tg]) expect(dayIds).not.toContain(code);
  // Erased through its contact number, the chat's feedback left the chat's record too.
  expect(await idsOf(senderKey(hashOf('telegram', '7700112233')))).toBeNull();
  expect((await eraseCitizen(deps, { phone })).feedback).toBe(0);
});

test("erasure by tracking code finds all of that sender's feedback and its contact number's, and only theirs", async () => {
  const chat = '7700445566';
  const phone = '+8562055563344';
  const a = await intake('telegram', { kind: 'telegram', id: chat });
  const b = await intake('telegram', { kind: 'telegram', id: chat }, { contact: phone });
  const fromNumber = await intake('sms', { kind: 'phone', id: phone });
  const someoneElse = await intake('telegram', { kind: 'telegram', id: '7700999999' });

  const r = await eraseCitizen(deps, { trackingCode: b });
  expect(r.feedback).toBe(3);
  for (const code of [a, b, fromNumber]) expect(await held(code)).toBe(false);
  expect(await held(someoneElse)).toBe(true);
  expect(await idsOf(senderKey(hashOf('telegram', chat)))).toBeNull();
  expect(await idsOf(senderKey(hashOf('telegram', '7700999999')))).toEqual([someoneElse]);
});

test('a retried intake job adds nothing twice to the records', async () => {
  const phone = '+8562055567788';
  const externalId = `retry-${Date.now()}`;
  const code = await intake('sms', { kind: 'phone', id: phone }, { externalId });
  // The same delivery again (a retry after the store, or a redelivery): the store's slow path.
  await intake('sms', { kind: 'phone', id: phone }, { externalId, jobId: `again-${externalId}` });
  await intake('sms', { kind: 'phone', id: phone }, { externalId, jobId: `third-${externalId}` });
  expect(await p.Feedback.countDocuments({ _id: code })).toBe(1);
  expect(await idsOf(senderKey(hashOf('phone', phone)))).toEqual([code]);
  const dayIds = (await idsOf(dayKey(localBuckets(new Date()).day)))!;
  expect(dayIds.filter((id) => id === code)).toHaveLength(1);
});

test('a contact-number hash given in the envelope is never trusted', async () => {
  const victim = contactPhoneHash(p.vault, '+8562055560909');
  const code = await intake('web', { kind: 'anonymous' }, { meta: { contactPhoneHash: victim } });
  expect((await p.Feedback.findById(code).lean())!.meta.contactPhoneHash).toBeUndefined();
  expect(await idsOf(contactKey(victim))).toBeNull();
});

test('concurrent writers of one record lose no code (FerretDB updates are read-modify-write)', async () => {
  const hash = 'concurrent-writers-test';
  const writers = Array.from(
    { length: 8 },
    () => new PrivacyLookups(p.conn, p.redis, p.config.queuePrefix),
  );
  const receivedAt = new Date();
  await Promise.all(
    writers.map(async (w, n) => {
      for (let i = 0; i < 25; i++)
        await w.add([{ _id: `W${n}-${i}`, receivedAt, sender: { idSealed: 'x', idHash: hash } }]);
    }),
  );
  expect(await idsOf(senderKey(hash))).toHaveLength(200);
});

test('the retention sweep erases by received day and drops the days it emptied', async () => {
  const now = Date.now();
  const oldAt = new Date(now - 400 * 86_400_000);
  const oldDay = localBuckets(oldAt).day;
  const phone = '+8562055560404';
  const old = await intake('sms', { kind: 'phone', id: phone }, { receivedAt: oldAt });
  const oldContact = await intake(
    'telegram',
    { kind: 'anonymous' },
    { receivedAt: oldAt, contact: '+8562055560505' },
  );
  const recent = await intake('sms', { kind: 'phone', id: phone });
  expect(await idsOf(dayKey(oldDay))).toEqual(expect.arrayContaining([old, oldContact]));
  expect((await lookups().findOne({ _id: DAYS }))?.days).toContain(oldDay);

  const r = await eraseExpired(deps, 365, now);
  expect(r.feedback).toBe(2);
  expect(await held(old)).toBe(false);
  expect(await held(oldContact)).toBe(false);
  expect(await held(recent)).toBe(true);
  expect(await idsOf(dayKey(oldDay))).toBeNull();
  expect((await lookups().findOne({ _id: DAYS }))?.days).not.toContain(oldDay);
  // The sender's record keeps only the feedback that still holds personal data.
  expect(await idsOf(senderKey(hashOf('phone', phone)))).toEqual([recent]);
  expect(await idsOf(contactKey(contactPhoneHash(p.vault, '+8562055560505')))).toBeNull();
  expect((await eraseExpired(deps, 365, now)).feedback).toBe(0);
});

/** A feedback as a release before the look-up records stored it: no records, no contact hash. */
function legacyDoc(id: string, receivedAt: Date, sender?: string, contact?: string) {
  return {
    _id: id,
    trackingCode: id,
    channel: sender ? 'sms' : 'web',
    externalId: `legacy-${id}`,
    status: 'received',
    receivedAt,
    ...localBuckets(receivedAt),
    sender: sender
      ? {
          kind: 'phone',
          idSealed: p.vault.encrypt(sender, 'phone'),
          idHash: hashOf('phone', sender),
          consentToContact: true,
        }
      : { kind: 'anonymous', consentToContact: Boolean(contact) },
    rating: 3,
    meta: contact ? { contactPhoneSealed: p.vault.encrypt(contact, 'phone') } : {},
  };
}

test('feedback stored before the records existed still erases: by the backfill of the first erasure, and by npm run privacy:reindex', async () => {
  const phone = '+8562055568080';
  const at = new Date(Date.now() - 3 * 86_400_000);
  const legacy = ['LEGACY0001', 'LEGACY0002', 'LEGACY0003'];
  await p.conn
    .collection('feedback')
    .insertMany([
      legacyDoc(legacy[0]!, at, phone),
      legacyDoc(legacy[1]!, at, undefined, phone),
      legacyDoc(legacy[2]!, at, '+8562055568181'),
    ] as never[]);
  expect(await idsOf(senderKey(hashOf('phone', phone)))).toBeNull();
  // A database the records were never backfilled in (as after an upgrade, or a restore).
  await lookups().deleteOne({ _id: STATE });
  const r = await eraseCitizen(deps, { phone });
  expect(r.feedback).toBe(2);
  // Automatic: a worker of the previous release may still be storing unlisted feedback.
  expect(r.complete).toBe(false);
  expect((await lookups().findOne({ _id: STATE }))?.auto).toBe(true);
  expect(await held(legacy[0]!)).toBe(false);
  expect(await held(legacy[1]!)).toBe(false);
  expect(await held(legacy[2]!)).toBe(true);
  expect((await lookups().findOne({ _id: STATE }))?.backfilledAt).toBeInstanceOf(Date);
  // The backfill listed the other legacy sender too.
  expect(await idsOf(senderKey(hashOf('phone', '+8562055568181')))).toEqual([legacy[2]]);

  // The command, from dist/: another legacy feedback with a contact number, records rebuilt.
  const other = '+8562055568282';
  await p.conn
    .collection('feedback')
    .insertOne(legacyDoc('LEGACY0004', at, undefined, other) as never);
  await lookups().deleteOne({ _id: STATE });
  const { stdout } = await runScript(p, 'privacy-reindex');
  expect(stdout).toMatch(/privacy look-ups: \d+ feedback read/);
  const contact = contactPhoneHash(p.vault, other);
  expect(await idsOf(contactKey(contact))).toEqual(['LEGACY0004']);
  expect((await p.Feedback.findById('LEGACY0004').lean())!.meta.contactPhoneHash).toBe(contact);
  expect(await idsOf(dayKey(localBuckets(at).day))).toEqual(expect.arrayContaining(['LEGACY0004']));
  // The command marks the records final: erasure claims completeness again.
  expect((await lookups().findOne({ _id: STATE }))?.auto).toBeUndefined();
  expect(await eraseCitizen(deps, { phone: other })).toMatchObject({ feedback: 1, complete: true });
  expect(await held('LEGACY0004')).toBe(false);
});

test('an automatic backfill stays provisional: the nightly sweep backfills again for two days, then marks it final', async () => {
  const now = Date.now();
  await lookups().deleteOne({ _id: STATE }); // never backfilled (an upgrade)
  // The first erasure after the upgrade backfills, automatically.
  expect(await eraseCitizen(deps, { phone: '+8562055567001' })).toMatchObject({
    feedback: 0,
    complete: false,
  });
  const state = (await lookups().findOne({ _id: STATE }))!;
  expect(state.auto).toBe(true);

  // Mid roll-out, an intake worker of the previous release stores feedback without records.
  const lateOld = legacyDoc('LEGACY0101', new Date(now - 400 * 86_400_000), '+8562055567002');
  const recent = legacyDoc('LEGACY0102', new Date(now - 86_400_000), '+8562055567003');
  await p.conn.collection('feedback').insertMany([lateOld, recent] as never[]);
  // Not found by an erasure yet, which says it may have missed something.
  expect(await eraseCitizen(deps, { phone: '+8562055567003' })).toMatchObject({
    feedback: 0,
    complete: false,
  });

  // The nightly sweep backfills first: the old feedback is erased, the recent one listed.
  const night = await eraseExpired(deps, 365, now);
  expect(night).toMatchObject({ feedback: 1, complete: false });
  expect(await held('LEGACY0101')).toBe(false);
  expect((await lookups().findOne({ _id: STATE }))?.auto).toBe(true);
  expect(await eraseCitizen(deps, { phone: '+8562055567003' })).toMatchObject({ feedback: 1 });
  expect(await held('LEGACY0102')).toBe(false);

  // Two days after the automatic backfill: one more backfill, and the records are final.
  await p.conn
    .collection('feedback')
    .insertOne(legacyDoc('LEGACY0103', new Date(now), '+8562055567004') as never);
  const third = await eraseExpired(deps, 365, now + 2 * 86_400_000 + 3_600_000);
  expect(third.complete).toBe(true);
  expect(await idsOf(senderKey(hashOf('phone', '+8562055567004')))).toEqual(['LEGACY0103']);
  const final = (await lookups().findOne({ _id: STATE }))!;
  expect(final.auto).toBeUndefined();
  expect(final.backfilledAt).toBeInstanceOf(Date);
  // Final: no more full reads at night.
  await p.conn
    .collection('feedback')
    .insertOne(legacyDoc('LEGACY0104', new Date(now), '+8562055567005') as never);
  expect((await eraseExpired(deps, 365, now + 3 * 86_400_000)).complete).toBe(true);
  expect(await idsOf(senderKey(hashOf('phone', '+8562055567005')))).toBeNull();
  expect((await eraseCitizen(deps, { phone: '+8562055567004' })).complete).toBe(true);
});

test('a late feedback for a day the sweep dropped puts the day back in the list, even at a worker that listed it before', async () => {
  const now = Date.now();
  const then = now - 400 * 86_400_000;
  const day = localBuckets(new Date(then)).day;
  const worker = new PrivacyLookups(p.conn, p.redis, p.config.queuePrefix);
  // The worker listed the day when it was today.
  const first = legacyDoc('LATE000001', new Date(then), '+8562055567101');
  await worker.add([first], then);
  await p.conn.collection('feedback').insertOne(first as never);
  expect((await lookups().findOne({ _id: DAYS }))?.days).toContain(day);
  // A year later the sweep erases it and drops the day.
  expect((await eraseExpired(deps, 365, now)).feedback).toBe(1);
  expect((await lookups().findOne({ _id: DAYS }))?.days).not.toContain(day);
  // A replayed job (or a kiosk's answer from back then) reaches the same worker.
  const late = legacyDoc('LATE000002', new Date(then), '+8562055567102');
  await worker.add([late], now);
  await p.conn.collection('feedback').insertOne(late as never);
  expect((await lookups().findOne({ _id: DAYS }))?.days).toContain(day);
  expect((await eraseExpired(deps, 365, now)).feedback).toBe(1);
  expect(await held('LATE000002')).toBe(false);
});

test('the backfill updates existing records a few dozen at a time, never hundreds under one lock', async () => {
  const at = new Date(Date.now() - 5 * 86_400_000);
  const many = Array.from({ length: 450 }, (_, i) =>
    legacyDoc(`CHUNK${String(i).padStart(5, '0')}`, at, `+85620557${String(i).padStart(5, '0')}`),
  );
  await p.conn.collection('feedback').insertMany(many as never[]);
  const sets: number[] = [];
  class Recording extends PrivacyLookups {
    override withLocks<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
      sets.push(new Set(keys).size);
      return super.withLocks(keys, fn);
    }
  }
  const recording = new Recording(p.conn, p.redis, p.config.queuePrefix);
  await recording.backfill(p.vault); // the senders' records are new: inserted
  sets.length = 0;
  await recording.backfill(p.vault); // all exist now: updated, under locks
  const locked = sets.reduce((a, b) => a + b, 0);
  expect(locked).toBeGreaterThan(450);
  expect(Math.max(...sets)).toBeLessThanOrEqual(LOCK_CHUNK);
  expect(await idsOf(senderKey(hashOf('phone', '+8562055700449')))).toEqual(['CHUNK00449']);
});

test('a feedback erased while the backfill reads it does not get its contact-number hash back, and a hash alone is still erased', async () => {
  const phone = '+8562055567201';
  const at = new Date(Date.now() - 86_400_000);
  await p.conn
    .collection('feedback')
    .insertOne(legacyDoc('RACE000001', at, undefined, phone) as never);
  class Racing extends PrivacyLookups {
    protected override async setContactHash(id: string, sealed: string, hash: string) {
      // An erasure (by its tracking code) lands between the backfill's read and its write.
      if (id === 'RACE000001')
        expect((await eraseCitizen(deps, { trackingCode: id })).feedback).toBe(1);
      return super.setContactHash(id, sealed, hash);
    }
  }
  await new Racing(p.conn, p.redis, p.config.queuePrefix).backfill(p.vault);
  const contact = contactPhoneHash(p.vault, phone);
  expect((await p.Feedback.findById('RACE000001').lean())!.meta?.contactPhoneHash).toBeUndefined();
  expect(await idsOf(contactKey(contact))).toBeNull();

  // A feedback left with the hash alone (as a lost race did before): listed, and erased.
  const other = '+8562055567202';
  const hashOnly = legacyDoc('RACE000002', at);
  await p.conn.collection('feedback').insertOne({
    ...hashOnly,
    meta: { contactPhoneHash: contactPhoneHash(p.vault, other) },
  } as never);
  await new PrivacyLookups(p.conn, p.redis, p.config.queuePrefix).backfill(p.vault);
  expect(await idsOf(contactKey(contactPhoneHash(p.vault, other)))).toEqual(['RACE000002']);
  expect((await eraseCitizen(deps, { phone: other })).feedback).toBe(1);
  expect((await p.Feedback.findById('RACE000002').lean())!.meta?.contactPhoneHash).toBeUndefined();
  expect(await idsOf(contactKey(contactPhoneHash(p.vault, other)))).toBeNull();
});
