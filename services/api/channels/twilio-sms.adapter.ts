/**
 * SMS channel adapter for Twilio's incoming-message webhook.
 * Provider docs: https://www.twilio.com/docs/messaging/guides/webhook-request and
 * https://www.twilio.com/docs/usage/security#validating-requests
 *
 * verify (X-Twilio-Signature against PUBLIC_BASE_URL + path) → parse (zod) → keyword or feedback
 * → envelope → enqueue → TwiML reply in the sender's language. A redelivered MessageSid gets the
 * same receipt and is stored once. Opted-out numbers get an empty reply.
 *
 * Twilio does not deliver an inbound SMS again after an error, so accepting one depends on nothing
 * but the local disk: MongoDB and Redis each get a short budget; when the queue cannot take the SMS
 * (or MongoDB a STOP / START), it is written to the spool (sms-spool.ts, fsync'd) before the
 * receipt goes out, and handed on when they are back.
 */
import { Router, type Request, type Response } from 'express';
import type IORedis from 'ioredis';
import twilio from 'twilio';
import { z } from 'zod';
import { parseSurveyAnswer, surveyKey, surveyThanks } from '../../../shared/staff/survey';
import type { Config } from '../../../shared/config';
import { AppError, Errors } from '../../../shared/errors';
import type { IntakeEnvelope } from '../../../shared/intake-envelope.schema';
import type { Logger } from '../../../shared/logger';
import type { FeedbackModel } from '../../../shared/models/feedback.model';
import type { OutboundMessageModel } from '../../../shared/models/outbound-message.model';
import type { SmsContactModel } from '../../../shared/models/sms-contact.model';
import { toE164 } from '../../../shared/phone';
import type { PiiVault } from '../../../shared/pii';
import { detectScript } from '../../../shared/text-normalize';
import { formatTrackingCode, parseTrackingCode } from '../../../shared/tracking-code';
import { followupKey, threadKey } from '../../../shared/sms-conversation';
import { decideOnce, intakeDecisionKey } from '../../../shared/intake-decision';
import type { IntakeProducer } from '../intake-producer';
import { formBody } from '../middleware/http';
import { STATUS_LABELS } from '../views/strings';
import { FAILED, within } from '../../../shared/within';
import { parseSmsCommand, smsText } from './sms-keywords';
import { looksLikePlaceAnswer } from './sms-followup';
import type { ContactChange, SmsSpool } from './sms-spool';
import { seedCatalogView, type CatalogView } from '../../../shared/catalog/catalog';

/**
 * A message SID's shape: two capital letters and 1–64 word characters. Twilio's own are `SM`/`MM`
 * and 32 hex digits, but test harnesses and emulators send shorter ones (`SM123`); the signature
 * check, not this, is what keeps strangers out.
 */
export const MESSAGE_SID = /^[A-Z]{2}\w{1,64}$/;

/** The part of Twilio's webhook parameters we use; Twilio sends more, and may add fields. */
export const TwilioInboundSchema = z.object({
  MessageSid: z.string().regex(MESSAGE_SID, 'not a Twilio message SID'),
  AccountSid: z.string().optional(),
  From: z.string().min(3).max(40),
  To: z.string().max(40).optional(),
  Body: z.string().max(10_000).default(''),
  NumSegments: z.coerce.number().int().min(0).max(100).optional(),
  NumMedia: z.coerce.number().int().min(0).max(100).optional(),
});

export interface SmsAdapterDeps {
  config: Config;
  producer: IntakeProducer;
  vault: PiiVault;
  redis: IORedis;
  Feedback: FeedbackModel;
  SmsContact: SmsContactModel;
  Outbound: OutboundMessageModel;
  catalog: { get(): Promise<CatalogView> };
  /** Where an SMS goes when the queue (or a keyword when MongoDB) cannot take it. */
  spool: SmsSpool;
  log: Logger;
}

function twiml(res: Response, message?: string): void {
  const r = new twilio.twiml.MessagingResponse();
  if (message) r.message(message);
  res.type('text/xml').send(r.toString());
}

/** How long the webhook waits for MongoDB or Redis before it goes on without them. */
const DB_BUDGET_MS = 1500;
const REDIS_BUDGET_MS = 1000;
/** Writing to the spool failed too (the disk): nothing was accepted, Twilio may try its fallback. */
async function spoolOr503(put: () => Promise<void>): Promise<void> {
  try {
    await put();
  } catch {
    throw Errors.unavailable('The SMS spool');
  }
}

export function twilioSmsAdapter(deps: SmsAdapterDeps): Router {
  const r = Router();
  const { config } = deps;
  const spool = deps.spool;
  /** The catalog within the budget, or the one this release ships (MongoDB down at start). */
  const catalogNow = async (): Promise<CatalogView> => {
    const cat = await within(deps.catalog.get(), DB_BUDGET_MS);
    return cat === FAILED ? seedCatalogView() : cat;
  };

  /** Twilio signs the URL it called: our public address, not the one behind the proxy. */
  const verified = (req: Request): boolean => {
    if (config.twilio.authToken) {
      const signature = req.get('X-Twilio-Signature');
      if (!signature) return false;
      const url = `${config.publicBaseUrl}${req.originalUrl}`;
      return twilio.validateRequest(
        config.twilio.authToken,
        signature,
        url,
        req.body as Record<string, string>,
      );
    }
    return config.sms.signatureBypass; // local use only; refused in production by config
  };

  r.post('/webhooks/sms/twilio', ...formBody(deps.config.maxBodyBytes), async (req, res) => {
    if (!verified(req)) {
      deps.log.warn('sms webhook refused: bad or missing signature', { requestId: req.id });
      throw new AppError('FORBIDDEN', 'The request is not signed by Twilio.', 403);
    }
    const parsed = TwilioInboundSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError(
        'BAD_REQUEST',
        'Not a Twilio incoming-message webhook.',
        400,
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
    }
    const msg = parsed.data;
    const phone = toE164(msg.From);
    if (!phone) throw new AppError('BAD_REQUEST', 'From is not a phone number.', 400);
    const phoneHash = deps.vault.hash(`phone:${phone}`);
    // Nothing below may keep Twilio waiting or lose the SMS: each read of MongoDB or Redis has a
    // short budget, and what the queue cannot take goes to the spool on the local disk.
    const redisUp = deps.redis.status === 'ready';
    const fromRedis = <T>(p: () => Promise<T>) =>
      redisUp ? within(p(), REDIS_BUDGET_MS) : Promise.resolve(FAILED);
    const contactRead = await within(deps.SmsContact.findById(phoneHash).lean(), DB_BUDGET_MS);
    const contact = contactRead === FAILED ? null : contactRead;
    if (contactRead === FAILED)
      deps.log.warn('sms webhook: contact not readable, going on without it', {
        requestId: req.id,
      });
    const script = detectScript(msg.Body);
    const lang: 'lo' | 'en' = contact?.lang ?? (script === 'en' ? 'en' : 'lo');
    /** STOP / START / language: written now, or spooled and applied when MongoDB is back. */
    const setContact = async (set: ContactChange['set']) => {
      const at = new Date();
      const done = await within(
        deps.SmsContact.updateOne(
          { _id: phoneHash },
          { $set: { ...set, updatedAt: at } },
          { upsert: true },
        ),
        DB_BUDGET_MS,
      );
      if (done === FAILED)
        await spoolOr503(() => spool.putContact({ phoneHash, set, at: at.toISOString() }));
    };

    const command = parseSmsCommand(msg.Body);
    if (command) {
      switch (command.kind) {
        case 'help':
          return twiml(res, contact?.optedOut ? undefined : smsText(lang, 'help'));
        case 'stop':
          await setContact({ optedOut: true });
          return twiml(res, smsText(lang, 'stop'));
        case 'start':
          await setContact({ optedOut: false });
          return twiml(res, smsText(lang, 'start'));
        case 'lang':
          await setContact({ lang: command.lang });
          return twiml(res, contact?.optedOut ? undefined : smsText(command.lang, 'lang'));
        case 'status': {
          const code = parseTrackingCode(command.code);
          const doc = code
            ? await within(
                deps.Feedback.findById(code, { status: 1, sender: 1 }).lean(),
                DB_BUDGET_MS,
              )
            : null;
          if (contact?.optedOut) return twiml(res);
          if (doc === FAILED) return twiml(res, smsText(lang, 'statusLater'));
          // Only the number that sent the feedback may ask about it.
          const mine = doc && doc.sender.idHash === phoneHash;
          return twiml(
            res,
            mine
              ? smsText(lang, 'status', {
                  code: formatTrackingCode(code!),
                  status: STATUS_LABELS[lang][doc.status],
                })
              : smsText(lang, 'notFound', { code: command.code.toUpperCase() }),
          );
        }
      }
    }

    /** This message as an envelope: the same sender, text and language, whatever it turns out to be. */
    const envelope = (meta: IntakeEnvelope['meta'], extra: Partial<IntakeEnvelope> = {}) => ({
      v: 1 as const,
      channel: 'sms' as const,
      externalId: msg.MessageSid,
      receivedAt: new Date().toISOString(),
      sender: {
        kind: 'phone' as const,
        id: deps.vault.encrypt(phone, 'phone'),
        consentToContact: !contact?.optedOut,
      },
      text: msg.Body,
      locale: lang,
      meta,
      ...extra,
    });
    /** The queue, or else the spool; the tracking code either way. */
    const accept = async (env: IntakeEnvelope): Promise<string> => {
      if (redisUp) {
        try {
          const code = await deps.producer.enqueue(env);
          spool.kick();
          return code;
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 503) throw err;
        }
      }
      const stamped = deps.producer.stamp(env);
      await spoolOr503(() => spool.putEnvelope(stamped));
      deps.log.warn('sms webhook: queue unavailable, SMS kept in the spool', { requestId: req.id });
      return stamped.trackingCode!;
    };

    // What this message is: the answer to "how satisfied are you with the resolution?" (a bare
    // 1–5 within the window), the answer to our follow-up question or the next piece of a message
    // sent minutes ago (it joins that feedback; only what looks like an answer answers the
    // question: a short message naming a place), or new feedback. Decided once per MessageSid:
    // Twilio's fallback URL delivers it again, and deciding again could store it twice
    // (shared/intake-decision.ts). GETDEL: one question, one answer, even when two replies arrive
    // together. Without Redis the SMS is feedback of its own.
    const rating = parseSurveyAnswer(msg.Body);
    const answers = looksLikePlaceAnswer(msg.Body, await catalogNow());
    const decided = await fromRedis(() =>
      decideOnce(
        deps.redis,
        intakeDecisionKey(config.queuePrefix, 'sms', msg.MessageSid),
        async (): Promise<{ surveyFor?: string; joinTo?: string }> => {
          const surveyFor = rating
            ? await deps.redis.getdel(surveyKey(config.queuePrefix, phoneHash))
            : null;
          if (surveyFor) return { surveyFor };
          const joinTo =
            (answers
              ? await deps.redis.getdel(followupKey(config.queuePrefix, phoneHash))
              : null) ?? (await deps.redis.get(threadKey(config.queuePrefix, phoneHash)));
          return joinTo ? { joinTo } : {};
        },
      ),
    );
    const decision = decided === FAILED ? {} : decided;
    if (rating && decision.surveyFor) {
      await accept(envelope({ surveyFor: decision.surveyFor }, { rating }));
      return twiml(res, contact?.optedOut ? undefined : surveyThanks(lang));
    }

    // Feedback. Too many messages from one number in an hour are kept, flagged as spam.
    const hour = Math.floor(Date.now() / 3_600_000);
    const rateKey = `${config.queuePrefix}:sms:rate:${phoneHash}:${hour}`;
    const count = await fromRedis(async () => {
      const n = await deps.redis.incr(rateKey);
      if (n === 1) await deps.redis.expire(rateKey, 3600);
      return n;
    });
    const meta: IntakeEnvelope['meta'] = { numSegments: msg.NumSegments ?? 1 };
    if (count !== FAILED && count > config.sms.spamPerHour) meta.spam = true;
    if (msg.NumMedia) meta.numMedia = msg.NumMedia;
    const env: IntakeEnvelope = envelope(meta);
    const joinTo = decision.joinTo ?? null;
    if (joinTo) env.meta.appendTo = joinTo;
    const accepted = await accept(env);
    const code = joinTo ?? accepted;
    if (config.sms.threadWindowS > 0 && deps.redis.status === 'ready') {
      await within(
        deps.redis.set(
          threadKey(config.queuePrefix, phoneHash),
          code,
          'EX',
          config.sms.threadWindowS,
        ),
        REDIS_BUDGET_MS,
      );
    }
    twiml(
      res,
      contact?.optedOut ? undefined : smsText(lang, 'receipt', { code: formatTrackingCode(code) }),
    );
  });

  /** Twilio's delivery reports for what the notify worker sent (signed like every webhook). */
  r.post('/webhooks/sms/twilio/status', ...formBody(deps.config.maxBodyBytes), async (req, res) => {
    if (!verified(req))
      throw new AppError('FORBIDDEN', 'The request is not signed by Twilio.', 403);
    const parsed = TwilioStatusSchema.safeParse({ ...req.body, m: req.query.m });
    if (!parsed.success) throw new AppError('BAD_REQUEST', 'Not a Twilio status callback.', 400);
    const { m, MessageSid, MessageStatus, ErrorCode } = parsed.data;
    const msg = await deps.Outbound.findById(m).lean();
    // Reports arrive out of order; a message only moves forward (sent → delivered, never back).
    if (
      msg &&
      msg.providerSid === MessageSid &&
      (STATUS_RANK[MessageStatus] ?? 0) > (STATUS_RANK[msg.status] ?? 0)
    ) {
      await deps.Outbound.updateOne(
        { _id: m },
        { $set: { status: MessageStatus, ...(ErrorCode ? { errorCode: ErrorCode } : {}) } },
      );
    }
    res.status(204).end();
  });

  return r;
}

const STATUS_RANK: Record<string, number> = {
  queued: 1,
  sending: 2,
  sent: 3,
  undelivered: 4,
  failed: 4,
  delivered: 5,
};

/** Twilio's status callback parameters, plus our message id from the callback URL. */
const TwilioStatusSchema = z.object({
  m: z.string().uuid(),
  MessageSid: z.string().regex(MESSAGE_SID),
  MessageStatus: z.enum(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed']),
  ErrorCode: z.string().max(10).optional(),
});
