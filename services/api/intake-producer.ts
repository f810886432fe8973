/**
 * What every channel adapter calls last: put an IntakeEnvelope on the "feedback-intake" queue
 * with its deterministic job id, remember the tracking code as pending (so the citizen's status
 * look-up works before the worker has stored it), and answer with the code. If Redis cannot take
 * the job, the caller gets a 503 and nothing was written.
 */
import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';
import { AppError, Errors } from '../../shared/errors';
import { currentRequestId } from '../../shared/log-context';
import { intakeJobId, type IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { IntakeQueue } from '../../shared/queues';
import type { TrackingCodes } from '../../shared/tracking-code';

/** How long a queued-but-not-yet-stored tracking code answers "received". */
const PENDING_TTL_S = 7 * 24 * 3600;
/** How long an Idempotency-Key remembers the body it was first used with. */
const IDEMPOTENCY_TTL_S = 24 * 3600;
const REDIS_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis timeout after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export class IntakeProducer {
  constructor(
    private readonly queue: IntakeQueue,
    private readonly redis: IORedis,
    private readonly codes: TrackingCodes,
    private readonly prefix: string,
  ) {}

  pendingKey(code: string): string {
    return `${this.prefix}:pending:${code}`;
  }

  /**
   * Claims an Idempotency-Key for a body. The same key with the same body is a retry (fine); the
   * same key with another body is a client bug and gets a 409 instead of a silent wrong answer.
   */
  async claimIdempotencyKey(scope: string, key: string, body: unknown): Promise<void> {
    const keyHash = createHash('sha256').update(`${scope}\u0000${key}`).digest('hex');
    const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const redisKey = `${this.prefix}:idem:${keyHash}`;
    try {
      const set = await withTimeout(
        this.redis.set(redisKey, bodyHash, 'EX', IDEMPOTENCY_TTL_S, 'NX'),
        REDIS_TIMEOUT_MS,
      );
      if (set === 'OK') return;
      const seen = await withTimeout(this.redis.get(redisKey), REDIS_TIMEOUT_MS);
      if (seen === null || seen === bodyHash) return;
    } catch {
      throw Errors.unavailable('The feedback queue');
    }
    throw Errors.conflict(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different body.',
    );
  }

  /** The tracking code an envelope with this (channel, externalId) gets. */
  codeFor(channel: IntakeEnvelope['channel'], externalId: string): string {
    return this.codes.derive(channel, externalId);
  }

  /** The envelope with its tracking code: derived here, once, and carried to the worker. */
  stamp(env: IntakeEnvelope): IntakeEnvelope {
    const stamped = env.trackingCode
      ? env
      : { ...env, trackingCode: this.codes.derive(env.channel, env.externalId) };
    // The request that queued it, for the worker's log lines (absent outside a request).
    const requestId = stamped.requestId ?? currentRequestId();
    return requestId && !stamped.requestId ? { ...stamped, requestId } : stamped;
  }

  /** Enqueues the envelope; returns its canonical tracking code. */
  async enqueue(envelope: IntakeEnvelope): Promise<string> {
    const env = this.stamp(envelope);
    const code = env.trackingCode!;
    await this.add(() =>
      this.queue.add(env.channel, env, { jobId: intakeJobId(env.channel, env.externalId) }),
    );
    // Best effort and not awaited: the job is safely queued; a missing pending marker only means
    // the status look-up says 404 until a worker has stored the feedback (milliseconds).
    withTimeout(
      this.redis.set(this.pendingKey(code), env.receivedAt, 'EX', PENDING_TTL_S, 'NX'),
      REDIS_TIMEOUT_MS,
    ).catch(() => undefined);
    return code;
  }

  /**
   * Enqueues many envelopes in one round trip (a kiosk batch); returns their tracking codes in
   * order. All or nothing: if Redis cannot take them, the caller gets a 503 and may resend them all.
   */
  async enqueueMany(envelopes: IntakeEnvelope[]): Promise<string[]> {
    if (!envelopes.length) return [];
    const envs = envelopes.map((e) => this.stamp(e));
    await this.add(() =>
      this.queue.addBulk(
        envs.map((env) => ({
          name: env.channel,
          data: env,
          opts: { jobId: intakeJobId(env.channel, env.externalId) },
        })),
      ),
    );
    return envs.map((env) => env.trackingCode!);
  }

  /** Puts jobs on the queue within the Redis timeout; any failure is a 503 to the caller. */
  private async add(put: () => Promise<unknown>): Promise<void> {
    try {
      await withTimeout(put(), REDIS_TIMEOUT_MS);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw Errors.unavailable('The feedback queue');
    }
  }

  /** receivedAt of a queued, not yet stored, tracking code. */
  async pendingReceivedAt(code: string): Promise<string | null> {
    return withTimeout(this.redis.get(this.pendingKey(code)), REDIS_TIMEOUT_MS).catch(() => null);
  }
}
