/**
 * Web channel adapter: the citizen form (`GET/POST /feedback`, no JavaScript needed) and its JSON
 * API (`POST /api/v1/feedback`). verify → parse (zod + catalog) → envelope → enqueue → answer.
 * It never writes feedback to the database; the intake worker does.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { AppError, Errors } from '../../../shared/errors';
import type { IntakeEnvelope } from '../../../shared/intake-envelope.schema';
import type { PiiVault } from '../../../shared/pii';
import { formatTrackingCode } from '../../../shared/tracking-code';
import type { CatalogCache } from '../catalog-cache';
import type { IntakeProducer } from '../intake-producer';
import { formBody, jsonBody, sameOriginForm } from '../middleware/http';
import { feedbackLimit } from '../middleware/rate-limit';
import type { RateLimits } from '../../../shared/abuse/rate-limits';
import {
  renderFeedbackForm,
  renderThanks,
  renderUnavailable,
  type FormState,
} from '../views/feedback-form.view';
import { pickLang } from '../views/strings';
import { formToInput, validateWebFeedback, type ValidWebFeedback } from './web-feedback.schema';

export interface WebChannelDeps {
  catalog: CatalogCache;
  producer: IntakeProducer;
  vault: PiiVault;
  maxBodyBytes: number;
  /** Per-address limits (docs/security.md); absent: none (unit tests of the form alone). */
  limits?: RateLimits;
  /** This site's address: the HTML form's POST must come from it (Origin check). */
  publicBaseUrl?: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

function envelopeOf(v: ValidWebFeedback, externalId: string, req: Request): IntakeEnvelope {
  const meta: IntakeEnvelope['meta'] = { form: req.is('application/json') ? 'api' : 'html' };
  if (v.source) meta.source = v.source;
  // Beyond the address's counted allowance: stored, shown to staff, left out of the figures.
  if (req.held) meta.held = req.held;
  // A number typed into a form proves nothing: it is never merged with numbers that texted us.
  if (v.phoneE164) meta.phoneUnverified = true;
  return {
    v: 1,
    channel: 'web',
    externalId,
    receivedAt: new Date().toISOString(),
    sender: v.phoneE164
      ? { kind: 'phone', id: undefined, consentToContact: true }
      : { kind: 'anonymous', consentToContact: false },
    text: v.text,
    rating: v.rating,
    centerCode: v.centerCode,
    serviceCode: v.serviceCode,
    topicCodes: v.topicCodes,
    locale: v.locale,
    meta,
  };
}

export function webChannel(deps: WebChannelDeps): Router {
  const r = Router();
  const pass: RequestHandler = (_req, _res, next) => next();
  const limitApi = deps.limits ? feedbackLimit(deps.limits, false) : pass;
  const limitForm = deps.limits ? feedbackLimit(deps.limits, true) : pass;

  /** Seals the phone (if any) and enqueues; returns the canonical tracking code. */
  const submit = async (v: ValidWebFeedback, externalId: string, req: Request) => {
    const env = envelopeOf(v, externalId, req);
    if (v.phoneE164) env.sender.id = deps.vault.encrypt(v.phoneE164, 'phone');
    return deps.producer.enqueue(env);
  };

  r.post('/api/v1/feedback', limitApi, ...jsonBody(deps.maxBodyBytes), async (req, res) => {
    const key = req.get('Idempotency-Key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw Errors.validation(
        [
          {
            field: 'Idempotency-Key',
            message: 'Must be 8–200 visible ASCII characters (a UUID is ideal).',
          },
        ],
        'The Idempotency-Key header is not valid.',
      );
    }
    const catalog = await deps.catalog.get();
    // The JSON API takes a number sent without consent as no number at all (ARCHITECTURE.md).
    const result = validateWebFeedback(req.body, catalog, { declinedContact: 'drop' });
    if (!result.ok) throw Errors.validation(result.issues);
    if (key) await deps.producer.claimIdempotencyKey('web', key, req.body);
    const code = await submit(result.value, key ? `key:${key}` : `srv:${randomUUID()}`, req);
    res.status(202).json({ trackingCode: formatTrackingCode(code) });
  });

  r.get('/feedback', async (req, res) => {
    const lang = pickLang(req.query.lang);
    const catalog = await deps.catalog.get();
    const center =
      typeof req.query.center === 'string' ? req.query.center.trim().toUpperCase() : undefined;
    const src =
      typeof req.query.src === 'string' && /^[\w.-]{1,100}$/.test(req.query.src)
        ? req.query.src
        : undefined;
    const state: FormState = {
      centerCode: center && catalog.centerByCode.has(center) ? center : undefined,
      source: src,
      idempotencyKey: randomUUID(),
    };
    // Not no-store: Back must bring the same rendered form (same idempotency key) back, so that
    // re-submitting it is recognised as the same feedback.
    res.type('html').setHeader('Cache-Control', 'private, no-cache');
    res.send(renderFeedbackForm(catalog, lang, state));
  });

  const sameSite = deps.publicBaseUrl ? sameOriginForm(deps.publicBaseUrl) : pass;
  r.post('/feedback', sameSite, limitForm, ...formBody(deps.maxBodyBytes), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const lang = pickLang(req.query.lang ?? form.locale);
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const key = str('idempotencyKey');
    const state: FormState = {
      centerCode: str('centerCode'),
      serviceCode: str('serviceCode'),
      rating: str('rating'),
      text: str('text'),
      phone: str('phone'),
      consent: str('consent') === 'yes',
      anonymous: str('anonymous') === 'yes',
      source: str('source'),
      idempotencyKey: key && IDEMPOTENCY_KEY.test(key) ? key : randomUUID(),
    };
    res.type('html').setHeader('Cache-Control', 'no-store');
    try {
      const catalog = await deps.catalog.get();
      const input = formToInput(form);
      const result = validateWebFeedback(input, catalog);
      if (!result.ok) {
        res.status(422).send(renderFeedbackForm(catalog, lang, state, result.issues));
        return;
      }
      // The hidden per-render key makes a double-tapped submit one feedback, not two.
      await deps.producer.claimIdempotencyKey('web-form', state.idempotencyKey, input);
      const code = await submit(result.value, `form:${state.idempotencyKey}`, req);
      res.status(200).send(renderThanks(lang, code, state));
    } catch (err) {
      if (err instanceof AppError && err.status === 503) {
        res
          .status(503)
          .send(renderUnavailable(lang, `/feedback${lang === 'en' ? '?lang=en' : ''}`));
        return;
      }
      throw err;
    }
  });

  return r;
}
