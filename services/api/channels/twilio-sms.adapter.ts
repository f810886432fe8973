/**
 * SMS channel adapter for Twilio's incoming-message webhook.
 * Provider docs: https://www.twilio.com/docs/messaging/guides/webhook-request and
 * https://www.twilio.com/docs/usage/security#validating-requests
 *
 * verify (X-Twilio-Signature against PUBLIC_BASE_URL + path) → parse (zod) → keyword or feedback
 * → envelope → enqueue → TwiML reply in the sender's language. A redelivered MessageSid gets the
 * same receipt and is stored once. Opted-out numbers get an empty reply.
 */
import { Router, type Request, type Response } from 'express';
import type IORedis from 'ioredis';
import twilio from 'twilio';
import { z } from 'zod';
import { parseSurveyAnswer, surveyKey, surveyThanks } from '../../../shared/staff/survey';
import type { Config } from '../../../shared/config';
import { AppError } from '../../../shared/errors';
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
import type { IntakeProducer } from '../intake-producer';
import { formBody } from '../middleware/http';
import { STATUS_LABELS } from '../views/strings';
import { parseSmsCommand, smsText } from './sms-keywords';

/** The part of Twilio's webhook parameters we use; Twilio sends more, and may add fields. */
export const TwilioInboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'not a Twilio message SID'),
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
  log: Logger;
}

function twiml(res: Response, message?: string): void {
  const r = new twilio.twiml.MessagingResponse();
  if (message) r.message(message);
  res.type('text/xml').send(r.toString());
}

export function twilioSmsAdapter(deps: SmsAdapterDeps): Router {
  const r = Router();
  const { config } = deps;

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
    const contact = await deps.SmsContact.findById(phoneHash).lean();
    const script = detectScript(msg.Body);
    const lang: 'lo' | 'en' = contact?.lang ?? (script === 'en' ? 'en' : 'lo');
    const setContact = (update: { optedOut?: boolean; lang?: 'lo' | 'en' }) =>
      deps.SmsContact.updateOne(
        { _id: phoneHash },
        { $set: { ...update, updatedAt: new Date() } },
        { upsert: true },
      );

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
            ? await deps.Feedback.findById(code, { status: 1, sender: 1 }).lean()
            : null;
          // Only the number that sent the feedback may ask about it.
          const mine = doc && doc.sender.idHash === phoneHash;
          if (contact?.optedOut) return twiml(res);
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
        id: deps.vault.encrypt(phone),
        consentToContact: !contact?.optedOut,
      },
      text: msg.Body,
      locale: lang,
      meta,
      ...extra,
    });

    // The answer to "how satisfied are you with the resolution?": a bare 1–5 within the window.
    const rating = parseSurveyAnswer(msg.Body);
    // GETDEL: one question, one answer, even when two replies arrive together.
    const surveyFor = rating
      ? await deps.redis.getdel(surveyKey(config.queuePrefix, phoneHash)).catch(() => null)
      : null;
    if (rating && surveyFor) {
      await deps.producer.enqueue(envelope({ surveyFor }, { rating }));
      return twiml(res, contact?.optedOut ? undefined : surveyThanks(lang));
    }

    // Feedback. Too many messages from one number in an hour are kept, flagged as spam.
    const hour = Math.floor(Date.now() / 3_600_000);
    const rateKey = `${config.queuePrefix}:sms:rate:${phoneHash}:${hour}`;
    let count = 0;
    try {
      count = await deps.redis.incr(rateKey);
      if (count === 1) await deps.redis.expire(rateKey, 3600);
    } catch {
      /* the enqueue below reports Redis being down */
    }
    const meta: IntakeEnvelope['meta'] = { numSegments: msg.NumSegments ?? 1 };
    if (count > config.sms.spamPerHour) meta.spam = true;
    if (msg.NumMedia) meta.numMedia = msg.NumMedia;
    const env: IntakeEnvelope = envelope(meta);
    // The answer to our follow-up question, or the next piece of a message sent minutes ago, joins
    // the same feedback (the worker appends it); anything else is new feedback.
    let joinTo: string | null = null;
    try {
      joinTo =
        (await deps.redis.getdel(followupKey(config.queuePrefix, phoneHash))) ??
        (await deps.redis.get(threadKey(config.queuePrefix, phoneHash)));
    } catch {
      /* Redis down: the enqueue below answers 503 */
    }
    if (joinTo) env.meta.appendTo = joinTo;
    const enqueued = await deps.producer.enqueue(env);
    const code = joinTo ?? enqueued;
    if (config.sms.threadWindowS > 0) {
      await deps.redis
        .set(threadKey(config.queuePrefix, phoneHash), code, 'EX', config.sms.threadWindowS)
        .catch(() => undefined);
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
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed']),
  ErrorCode: z.string().max(10).optional(),
});
