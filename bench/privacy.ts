/**
 * `npm run bench:privacy`: what the privacy operations cost at scale on the embedded store. With
 * BENCH_PRIVACY_TOTAL feedback stored (default 1,000,000, received over the last 400 days; 60% from
 * a number or chat with a sealed id and look-up hash, 5% with a contact number left on the web form
 * or kiosk), it times:
 * - the retention sweep (PII_RETENTION_DAYS = 365) the first time it runs, when the 35 oldest days
 *   still hold personal data, and again at once (the nightly cost when nothing is left to erase);
 * - a citizen's erasure by number and by tracking code.
 * The feedback is stored as a release before erasure's look-up records left it (shared/privacy/
 * lookups.ts: per sender hash, per contact-number hash, per received day), so the backfill an
 * upgrade runs once (`npm run privacy:reindex`, one full read) is timed first; the intake's own
 * writing of the records is part of the pipeline's cost (`npm run bench`). FerretDB pushes down no filter but `_id` equality, so the
 * sweep and the erasures read only records and feedback by `_id`. Each result is checked (what was
 * erased is what was planted). Results: bench/results/privacy.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectMongo } from '../shared/db/mongo';
import { senderHashInput, PiiVault } from '../shared/pii';
import { eraseCitizen, eraseExpired, type ErasureDeps } from '../shared/privacy/erasure';
import { PrivacyLookups } from '../shared/privacy/lookups';
import { redisConnection } from '../shared/queues';
import { indexFerretIds } from '../scripts/storage';
import { startScratchServers } from './scratch-servers';

const TOTAL = Number(process.env.BENCH_PRIVACY_TOTAL ?? 1_000_000);
const DAYS_SPAN = 400;
const RETENTION_DAYS = 365;
const BATCH = 1000;

const phoneOf = (i: number) => `+856205${(i % 9_000_000).toString().padStart(7, '0')}`;

async function main() {
  const { scratch, ferret, redisServer, prefix } = await startScratchServers(
    'privacy',
    'benchpriv',
  );
  const conn = await connectMongo(`mongodb://127.0.0.1:${ferret.port}/benchprivacy`);
  const redis = redisConnection(redisServer.url, 'producer');
  const vault = new PiiVault(Buffer.from('e'.repeat(64), 'hex'));
  const now = Date.now();
  const cutoff = now - RETENTION_DAYS * 86_400_000;
  const raw = conn.db!.collection('feedback');
  // One citizen (by number) with three feedback, recent, to be erased on request.
  const citizen = '+8562099887766';
  const citizenAt = [TOTAL - 10, TOTAL - Math.floor(TOTAL / 50), Math.floor(TOTAL / 2)];
  let expectedOld = 0;
  let expectedNextNight = 0; // received in the day after the cutoff: the next night's sweep
  const doc = (i: number) => {
    const receivedAt = new Date(now - ((TOTAL - i) / TOTAL) * DAYS_SPAN * 86_400_000);
    const fromSender = i % 10 < 6 || citizenAt.includes(i);
    const contact = !fromSender && i % 20 === 7;
    const phone = citizenAt.includes(i) ? citizen : phoneOf(i);
    if ((fromSender || contact) && receivedAt.getTime() < cutoff) expectedOld++;
    else if ((fromSender || contact) && receivedAt.getTime() < cutoff + 86_400_000)
      expectedNextNight++;
    const id = `P${i.toString(36).toUpperCase().padStart(9, '0')}`;
    return {
      _id: id,
      trackingCode: id,
      channel: fromSender ? 'sms' : 'web',
      externalId: `priv-${i}`,
      status: 'received',
      receivedAt,
      day: receivedAt.toISOString().slice(0, 10),
      month: receivedAt.toISOString().slice(0, 7),
      sender: fromSender
        ? {
            kind: 'phone',
            idSealed: vault.encrypt(phone, 'phone'),
            idHash: vault.hash(senderHashInput('phone', phone)),
            consentToContact: true,
          }
        : { kind: 'anonymous', consentToContact: contact },
      text: {
        raw: `ລໍຖ້າດົນຫຼາຍ ເອກະສານບໍ່ຄົບ ${i}`,
        normalized: `ລໍຖ້າດົນຫຼາຍ ເອກະສານບໍ່ຄົບ ${i}`,
        script: 'lo',
        truncated: false,
      },
      rating: (i % 5) + 1,
      center: { code: 'LA-LP', confidence: 1, method: 'explicit' },
      service: { code: 'family_book', confidence: 1, method: 'explicit' },
      topics: ['waiting_time'],
      kind: { code: 'complaint', confidence: 0.9, method: 'model' },
      meta: contact ? { contactPhoneSealed: vault.encrypt(phone, 'phone') } : {},
    };
  };
  const lookups = new PrivacyLookups(conn, redis, prefix);
  // Stored as a release before the look-up records did: the backfill below is what an upgrade runs.
  console.log(`storing ${TOTAL.toLocaleString()} feedback…`);
  const t0 = Date.now();
  for (let i = 0; i < TOTAL; i += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, k) => doc(i + k));
    await raw.insertMany(docs as never[], { ordered: false });
    if (i % 100_000 === 0) console.log(`  ${i.toLocaleString()} (${(Date.now() - t0) / 1000} s)`);
  }
  const storeSeconds = (Date.now() - t0) / 1000;
  await conn.db!.createCollection('privacy_lookups'); // as `npm run seed` does
  console.log(indexFerretIds(ferret.sqliteDir!));
  const deps: ErasureDeps = { conn, redis, vault, queuePrefix: prefix, queues: [], lookups };
  const timed = async <T>(fn: () => Promise<T>) => {
    const t = performance.now();
    const r = await fn();
    return { seconds: Math.round(performance.now() - t) / 1000, result: r };
  };
  console.log('backfill (npm run privacy:reindex) over the whole collection…');
  const backfill = await timed(() => lookups.backfill(vault));
  console.log(backfill);
  console.log('retention sweep, first run…');
  const first = await timed(() => eraseExpired(deps, RETENTION_DAYS, now));
  console.log(first);
  console.log('retention sweep, nothing left to erase…');
  const nightly = await timed(() => eraseExpired(deps, RETENTION_DAYS, now));
  console.log(nightly);
  console.log('retention sweep, the next night (one more day expired)…');
  const nextNight = await timed(() => eraseExpired(deps, RETENTION_DAYS, now + 86_400_000));
  console.log(nextNight);
  console.log('erasure by number…');
  const byPhone = await timed(() => eraseCitizen(deps, { phone: '020 9988 7766' }));
  console.log(byPhone);
  const citizenLeft = await raw.countDocuments({
    _id: { $in: citizenAt.map((i) => `P${i.toString(36).toUpperCase().padStart(9, '0')}`) },
    'sender.idHash': { $exists: true },
  } as never);
  // A recent feedback from another number (a sealed id and hash to erase).
  let j = TOTAL - 3;
  while (j % 10 >= 6 || citizenAt.includes(j)) j--;
  const code = `P${j.toString(36).toUpperCase().padStart(9, '0')}`;
  console.log('erasure by tracking code…');
  const byCode = await timed(() => eraseCitizen(deps, { trackingCode: code }));
  console.log(byCode);
  const checks = {
    backfillReadAll: backfill.result.read === TOTAL,
    firstRunErasedThePlantedOld: first.result.feedback === expectedOld,
    nightlyErasedNothing: nightly.result.feedback === 0,
    nextNightErasedItsDay: nextNight.result.feedback === expectedNextNight,
    byPhoneErasedTheCitizensThree: byPhone.result.feedback === 3 && citizenLeft === 0,
    byCodeErasedItsOne: byCode.result.feedback === 1,
  };
  const results = {
    at: new Date().toISOString(),
    machine: `${os.cpus().length} CPU, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
    store: 'FerretDB 1.24 (SQLite)',
    stored: TOTAL,
    storeSeconds,
    retentionDays: RETENTION_DAYS,
    plantedOldWithPersonalData: expectedOld,
    backfillOnce: { seconds: backfill.seconds, ...backfill.result },
    retentionFirstRun: { seconds: first.seconds, ...first.result },
    retentionNightlyNothingLeft: { seconds: nightly.seconds, ...nightly.result },
    retentionNextNight: { seconds: nextNight.seconds, ...nextNight.result },
    erasureByNumber: { seconds: byPhone.seconds, ...byPhone.result },
    erasureByTrackingCode: { seconds: byCode.seconds, ...byCode.result },
    checks,
    allChecksPassed: Object.values(checks).every(Boolean),
  };
  console.log(JSON.stringify(results, null, 2));
  const out = path.join(path.resolve(__dirname, '..', '..'), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'privacy.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written bench/results/privacy.json');
  redis.disconnect();
  await conn.close();
  await ferret.stop();
  await redisServer.stop();
  rmSync(scratch, { recursive: true, force: true });
  if (!results.allChecksPassed) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
