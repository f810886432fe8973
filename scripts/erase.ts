/**
 * `npm run erase -- --code <tracking code> | --phone <number> [--operator <name>]`: a citizen's
 * request to be forgotten, from a shell (the admin action POST /api/v1/privacy/erasures does the
 * same). Their numbers, chat ids and contact fields go; the feedback text, ratings and every
 * figure stay (shared/privacy/erasure.ts). Audited as `erase` with the number masked and the
 * operator (--operator, else the shell user) in the details. Prints counts only.
 */
import os from 'node:os';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { auditModel } from '../shared/models/audit.model';
import { createNotifyQueue } from '../shared/notify';
import { PiiVault } from '../shared/pii';
import { eraseCitizen, erasureTarget, type ErasureResult } from '../shared/privacy/erasure';
import { toE164 } from '../shared/phone';
import { createIntakeQueue, redisConnection } from '../shared/queues';
import { AuditLog } from '../shared/staff/audit-log';
import { parseTrackingCode } from '../shared/tracking-code';

const USAGE =
  'usage: npm run erase -- --code <tracking code> | --phone <number> [--operator <name>]';

/** Parses the arguments; throws with the usage line when they do not name one citizen. */
export function parseEraseArgs(argv: string[]): {
  by: { trackingCode: string } | { phone: string };
  operator: string;
} {
  const val = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const code = val('--code');
  const phone = val('--phone');
  if ((code === undefined) === (phone === undefined)) throw new Error(USAGE);
  const operator = val('--operator') ?? os.userInfo().username;
  if (code !== undefined) {
    const c = parseTrackingCode(code);
    if (!c) throw new Error(`"${code}" is not a tracking code`);
    return { by: { trackingCode: c }, operator };
  }
  const e164 = toE164(phone!);
  if (!e164) throw new Error('that is not a phone number');
  return { by: { phone: e164 }, operator };
}

export async function eraseCli(argv: string[]): Promise<ErasureResult> {
  const { by, operator } = parseEraseArgs(argv);
  const config = loadConfig();
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'worker');
  const queues = [createIntakeQueue(config, redis), createNotifyQueue(config, redis)];
  try {
    const erased = await eraseCitizen(
      { conn, redis, vault: new PiiVault(config.piiKey), queuePrefix: config.queuePrefix, queues },
      by,
    );
    await new AuditLog(auditModel(conn)).record({
      actor: null,
      action: 'erase',
      target: erasureTarget(by),
      details: { by: 'npm run erase', operator, ...erased },
    });
    return erased;
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    await conn.close();
  }
}

if (require.main === module) {
  eraseCli(process.argv.slice(2)).then(
    (r) => {
      console.log(
        `erased: ${r.feedback} feedback, ${r.outbound} outbound message(s), ${r.contacts} number record(s), ` +
          `${r.chats} chat record(s), ${r.jobs} dead-lettered job(s), ${r.markers} marker(s)`,
      );
      if (!r.complete)
        console.log(
          'not known to be complete: the look-up records were backfilled automatically, and an ' +
            'intake worker of the previous release may have stored feedback since. Once every ' +
            'worker runs this release, run `npm run privacy:reindex` and erase again.',
        );
    },
    (err: unknown) => {
      console.error('erase failed:', err instanceof Error ? err.message : err);
      process.exit(err instanceof Error && err.message === USAGE ? 2 : 1);
    },
  );
}
