/**
 * What a conversational message was decided to be — feedback of its own, a piece of which
 * feedback, a survey answer to which — recorded in Redis the first time the message is handled,
 * so that every later delivery of the same message takes the same decision.
 *
 * Why: Telegram delivers an update again after a non-2xx, and Twilio calls the fallback URL after
 * an error or a timeout, with the same message id. When the first delivery had already enqueued
 * the message and its process died before answering (kill -9 of an api replica), the redelivery
 * used to decide afresh from the chat's or number's current thread — which a later message may
 * have moved meanwhile — and enqueued the message again under the same job id. The queue
 * deduplicates a job id only while the job waits, and the worker deduplicates only within the
 * feedback a job targets, so a job already completed meant the message was stored twice: as its
 * own feedback and as a piece of another (found by `npm run chaos`). With the decision recorded,
 * the redelivery sends the same job again, which the worker recognises as already stored.
 *
 * Keys: `<prefix>:intake-decision:<intakeJobId>` (an unkeyed hash of the external id, as the job
 * id already is), kept DECISION_TTL_S — longer than any provider redelivers.
 */
import type IORedis from 'ioredis';
import { intakeJobId, type Channel } from './intake-envelope.schema';

/** Telegram keeps an undelivered update for at most 24 hours; Twilio's fallback comes at once. */
export const DECISION_TTL_S = 48 * 3600;

export const intakeDecisionKey = (prefix: string, channel: Channel, externalId: string) =>
  `${prefix}:intake-decision:${intakeJobId(channel, externalId)}`;

/**
 * The decision recorded for this message, or — the first time — the one `decide` makes, recorded
 * before it is returned. Two deliveries racing each other both get the one recorded first.
 * Redis errors propagate (the caller answers as it does when Redis is down).
 */
export async function decideOnce<T>(
  redis: IORedis,
  key: string,
  decide: () => Promise<T>,
): Promise<T> {
  const prior = await redis.get(key);
  if (prior !== null) return JSON.parse(prior) as T;
  const decision = await decide();
  const set = await redis.set(key, JSON.stringify(decision ?? null), 'EX', DECISION_TTL_S, 'NX');
  if (set === 'OK') return decision;
  const won = await redis.get(key);
  return (won === null ? decision : JSON.parse(won)) as T;
}
