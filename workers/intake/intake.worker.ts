/**
 * The intake worker: validate → normalize → classify → store, for every job of the
 * "feedback-intake" queue. Each failed attempt is logged with its job id (never the payload);
 * a job that fails its last attempt stays in the failed (dead-letter) set for `npm run dlq`.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { Config } from '../../shared/config';
import { IntakeEnvelopeSchema, type IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { Logger } from '../../shared/logger';
import type { PiiVault } from '../../shared/pii';
import { intakeWorkerOptions, QUEUE_INTAKE } from '../../shared/queues';
import type { TrackingCodes } from '../../shared/tracking-code';
import type { Classifier } from './classify.step';
import { normalizeIntake } from './normalize.step';
import { buildFeedback, type FeedbackStore, type NewFeedback } from './store.step';
import { appendToFeedback } from './thread.step';
import { recordSatisfaction } from './survey.step';
import { parseTrackingCode } from '../../shared/tracking-code';
import { Deadlines } from '../../shared/staff/deadlines';
import { requestIdOf, withLogContext } from '../../shared/log-context';
import { classificationConfidence } from '../../shared/metrics';
import { SenderQuota } from '../../shared/abuse/hold';
import { isTelegramRef } from '../../shared/telegram-ids';

export interface IntakeDeps {
  config: Config;
  connection: IORedis;
  store: FeedbackStore;
  vault: PiiVault;
  codes: TrackingCodes;
  classifier: Classifier;
  log: Logger;
  /** Holds a Telegram chat's feedback beyond TELEGRAM_COUNTED_PER_HOUR (shared/abuse/hold.ts). */
  senderQuota?: SenderQuota;
  /** Asks an SMS sender once which center they mean when the text named none (see sms-followup). */
  followUp?: (
    doc: NewFeedback,
    toSealed: string,
    toHash: string,
    lang: 'lo' | 'en',
  ) => Promise<void>;
}

export interface IntakeResult {
  trackingCode: string;
  feedbackId: string;
  created: boolean;
}

/**
 * A Telegram external id is `<chat_id>:<message_id>`: a chat id in clear. It is stored as a keyed
 * hash of the whole pair — as unique and as deterministic (a redelivery is still stored once), but
 * neither the chat id nor a link between two messages of one chat can be read from it. The bot
 * now queues that pseudonym itself (shared/telegram-ids.ts); older jobs carry the pair.
 */
export function storedExternalId(channel: string, externalId: string, vault: PiiVault): string {
  if (channel !== 'telegram' || isTelegramRef(externalId)) return externalId; // queued as a pseudonym
  return `tg.${vault.hash(`telegram-message:${externalId}`)}`;
}

const deadlines = new WeakMap<Config, Deadlines>();
/** The deadline policy of a configuration, built once (it holds the holiday calendar). */
function deadlinesOf(config: Config): Deadlines {
  let d = deadlines.get(config);
  if (!d) deadlines.set(config, (d = Deadlines.fromConfig(config)));
  return d;
}

/** Processes one envelope; exported so the pipeline can be exercised without a queue. */
export async function processIntake(
  deps: Omit<IntakeDeps, 'connection'>,
  data: unknown,
): Promise<IntakeResult> {
  const parsed = IntakeEnvelopeSchema.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UnrecoverableError(`invalid IntakeEnvelope: ${fields}`);
  }
  const received: IntakeEnvelope = parsed.data;
  // The tracking code the adapter gave the citizen, carried in the envelope (jobs queued before it
  // was: derived from the external id as the adapter saw it). What is stored as the external id
  // may be a pseudonym of it (see storedExternalId).
  const trackingCode =
    received.trackingCode ?? deps.codes.derive(received.channel, received.externalId);
  const env: IntakeEnvelope = {
    ...received,
    externalId: storedExternalId(received.channel, received.externalId, deps.vault),
  };
  const normalized = normalizeIntake(env, deps.vault);
  const surveyFor =
    typeof env.meta.surveyFor === 'string' ? parseTrackingCode(env.meta.surveyFor) : null;
  if (surveyFor && env.rating) {
    const r = await recordSatisfaction(
      deps.store.threadDeps,
      surveyFor,
      env.rating,
      normalized.sender.idHash,
      env.externalId,
    );
    if (r === 'ignored') deps.log.warn('survey answer ignored', { trackingCode: surveyFor });
    return { trackingCode: surveyFor, feedbackId: surveyFor, created: false };
  }
  const appendTo =
    typeof env.meta.appendTo === 'string' ? parseTrackingCode(env.meta.appendTo) : null;
  if (appendTo) {
    const r = await appendToFeedback(
      {
        ...deps.store.threadDeps,
        classifier: deps.classifier,
        deadlines: deadlinesOf(deps.config),
        maxParts: deps.config.abuse.threadMaxParts,
        maxChars: deps.config.abuse.threadMaxChars,
      },
      env,
      normalized,
      appendTo,
    );
    // A full thread: this piece is stored below as feedback of its own.
    if (!r.capped) return { trackingCode: appendTo, feedbackId: r.id, created: false };
  }
  const classification = await deps.classifier.classify({ envelope: env, normalized });
  classificationConfidence.observe({ field: 'center' }, classification.center.confidence);
  if (classification.service.code !== null)
    classificationConfidence.observe({ field: 'service' }, classification.service.confidence);
  const doc = buildFeedback(
    env,
    trackingCode,
    normalized,
    classification,
    deadlinesOf(deps.config),
  );
  if (
    !doc.held &&
    deps.senderQuota &&
    env.channel === 'telegram' &&
    doc.sender.idHash &&
    (await deps.senderQuota.over(
      doc.sender.idHash,
      trackingCode,
      doc.receivedAt,
      deps.config.abuse.telegramCountedPerHour,
      3600,
    ))
  ) {
    doc.held = { reason: 'rate:telegram', at: doc.receivedAt };
    doc.staffStatus = 'new';
  }
  const { created, id } = await deps.store.store(doc);
  if (
    created &&
    deps.followUp &&
    env.channel === 'sms' &&
    !doc.center.code &&
    env.sender.id &&
    doc.sender.idHash &&
    env.meta.spam !== true
  ) {
    await deps.followUp(doc, env.sender.id, doc.sender.idHash, env.locale ?? 'lo');
  }
  return { trackingCode, feedbackId: id, created };
}

export function createIntakeWorker(given: IntakeDeps): Worker<IntakeEnvelope, IntakeResult> {
  const deps: IntakeDeps = {
    ...given,
    senderQuota: given.senderQuota ?? new SenderQuota(given.connection, given.config.queuePrefix),
  };
  const worker = new Worker<IntakeEnvelope, IntakeResult>(
    QUEUE_INTAKE,
    // Every line logged while the job runs carries its job id and the api request that queued it.
    (job: Job<IntakeEnvelope>) =>
      withLogContext({ requestId: requestIdOf(job.data), jobId: job.id }, async () => {
        const r = await processIntake(deps, job.data);
        deps.log.debug('intake job done', { trackingCode: r.trackingCode, created: r.created });
        return r;
      }),
    {
      connection: deps.connection,
      prefix: deps.config.queuePrefix,
      ...intakeWorkerOptions(deps.config),
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    deps.log[final ? 'error' : 'warn'](
      final ? 'intake job dead-lettered' : 'intake attempt failed',
      {
        jobId: job.id,
        requestId: requestIdOf(job.data),
        attempt: job.attemptsMade,
        error: err.message,
      },
    );
  });
  worker.on('error', (err) => deps.log.error('intake worker error', { error: err.message }));
  return worker;
}
