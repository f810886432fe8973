/**
 * IntakeEnvelope: the one payload of the "feedback-intake" queue (docs/architecture.md). Adapters
 * build it, the worker validates it again before it touches storage. Personal data in `sender.id`
 * is already sealed with PII_KEY by the adapter.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { REQUEST_ID } from './log-context';

export const CHANNELS = ['sms', 'telegram', 'web', 'kiosk'] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;

export const TOPIC_CODES = [
  'waiting_time',
  'fees',
  'informal_payment',
  'staff_conduct',
  'information',
  'documents',
  'facilities',
  'digital_system',
  'other',
] as const;
export const TopicCodeSchema = z.enum(TOPIC_CODES);

/** Catalog codes: upper-case center codes (LA-VT-XAYSETHA), snake_case service codes. */
export const CenterCodeSchema = z
  .string()
  .regex(/^LA-[A-Z]{2}(-[A-Z0-9]{2,40})?$/, 'not a center code');
export const ServiceCodeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,60}$/, 'not a service code');

export const SenderSchema = z.object({
  kind: z.enum(['phone', 'telegram', 'anonymous', 'kiosk']),
  /** Sealed (encrypted) identifier: a phone number or Telegram chat id; absent when anonymous. */
  id: z.string().min(1).max(1000).optional(),
  consentToContact: z.boolean(),
});

export const IntakeEnvelopeSchema = z.object({
  v: z.literal(1),
  channel: ChannelSchema,
  externalId: z.string().min(1).max(200),
  /**
   * The tracking code the citizen was given, derived once by the adapter that answered (so a
   * worker never computes another). Absent in jobs queued before it was carried: derived then.
   */
  trackingCode: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{10}$/, 'not a canonical tracking code')
    .optional(),
  receivedAt: z.iso.datetime(),
  sender: SenderSchema,
  text: z.string().max(20_000).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  centerCode: CenterCodeSchema.optional(),
  serviceCode: ServiceCodeSchema.optional(),
  topicCodes: z.array(TopicCodeSchema).max(9).optional(),
  locale: z.enum(['lo', 'en']).optional(),
  meta: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).default({}),
  /**
   * The id of the api request that queued it (X-Request-Id), so the worker's log lines for the job
   * can be found from the request's. Optional: spooled and older jobs have none.
   */
  requestId: z.string().regex(REQUEST_ID).optional(),
});
export type IntakeEnvelope = z.infer<typeof IntakeEnvelopeSchema>;

/**
 * The BullMQ job id for an envelope: deterministic in (channel, externalId) so a redelivery is
 * deduplicated by the queue itself. BullMQ rejects ':' in custom ids, so the external id is hashed.
 */
export function intakeJobId(channel: Channel, externalId: string): string {
  return `${channel}-${createHash('sha256').update(externalId).digest('hex').slice(0, 40)}`;
}
