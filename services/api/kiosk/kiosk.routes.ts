/**
 * The exit-survey kiosk: the installable app under /kiosk/ and its API.
 *
 * - `POST /api/v1/kiosk/pair` `{pairingCode}` → `{deviceToken, deviceId, center, centerCode}`
 *   (a code works once)
 * - `GET  /api/v1/kiosk/config` (Bearer) → the center, the menus and the tablet's settings
 * - `POST /api/v1/kiosk/responses` (Bearer) `{responses: [...]}` → `{accepted, rejected, warnings}`:
 *   every valid item is on the intake queue (a UUID sent again is accepted again and stored once),
 *   every invalid one is reported with its reasons (and `retry: true` when its only fault is a
 *   field this api does not know: a newer app during a roll-out); the tablet deletes only what is
 *   accepted.
 * - `POST /api/v1/kiosk/heartbeat` (Bearer) → 204; what staff see of each tablet.
 * An unknown, replaced or revoked token gets 401 and the tablet asks to be paired again.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Config } from '../../../shared/config';
import { AppError, Errors } from '../../../shared/errors';
import {
  ServiceCodeSchema,
  TopicCodeSchema,
  type IntakeEnvelope,
} from '../../../shared/intake-envelope.schema';
import type { KioskDevices } from '../../../shared/kiosk-devices';
import type { Logger } from '../../../shared/logger';
import type { KioskDeviceDoc, KioskDeviceModel } from '../../../shared/models/kiosk-device.model';
import { toE164 } from '../../../shared/phone';
import type { PiiVault } from '../../../shared/pii';
import type { CatalogCache } from '../catalog-cache';
import type { IntakeProducer } from '../intake-producer';
import { jsonBody } from '../middleware/http';
import { kioskAssets, type KioskAssets } from './kiosk-assets';
import { addressLimit } from '../middleware/rate-limit';
import type { RateLimits } from '../../../shared/abuse/rate-limits';
import type { KioskGuard } from '../../../shared/abuse/kiosk-guard';

/** The most responses one request may carry. */
export const MAX_BATCH = 100;
/** A tablet's clock may be off; beyond these bounds the server's time is used instead. */
const MAX_AGE_MS = 60 * 86_400_000;
const MAX_AHEAD_MS = 10 * 60_000;

/**
 * The contract's names (ARCHITECTURE.md: `topicCodes`, `serviceCode`, and the web form's
 * `consentToContact`) for the app's shorter ones (`topics`, `service`, `consent`): either is read.
 * Both at once leaves the long one unknown, and the item is refused.
 */
function contractNames(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const r = { ...(raw as Record<string, unknown>) };
  const rename = (o: Record<string, unknown>, from: string, to: string) => {
    if (from in o && !(to in o)) {
      o[to] = o[from];
      delete o[from];
    }
  };
  rename(r, 'topicCodes', 'topics');
  rename(r, 'serviceCode', 'service');
  if (r.contact && typeof r.contact === 'object' && !Array.isArray(r.contact)) {
    r.contact = { ...(r.contact as Record<string, unknown>) };
    rename(r.contact as Record<string, unknown>, 'consentToContact', 'consent');
  }
  return r;
}

/** One kiosk response as the app sends it. The smileys are ratings 1, 2, 4 and 5. */
export const KioskResponseFields = z.strictObject({
  /** Any 8-4-4-4-12 hex id (z.guid: hand-written ids pass too, not only RFC 4122 versions). */
  id: z.guid(),
  rating: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(5)]),
  topics: z.array(TopicCodeSchema).max(9).optional(),
  service: ServiceCodeSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }),
  lang: z.enum(['lo', 'en']).optional(),
  contact: z
    .strictObject({
      phone: z.string().min(3).max(40),
      consent: z.literal(true, 'consent to be contacted is required with a phone number'),
    })
    .optional(),
  /** A number was given but waited on the tablet past its bound and was dropped unsent. */
  contactExpired: z.literal(true).optional(),
});
export const KioskResponseSchema = z.preprocess(contractNames, KioskResponseFields);
export type KioskResponse = z.infer<typeof KioskResponseFields>;

export const HeartbeatSchema = z.object({
  appVersion: z.string().max(40),
  queued: z.number().int().min(0).max(10_000_000),
  rejected: z.number().int().min(0).max(10_000_000).default(0),
  misuse: z.number().int().min(0).max(10_000_000).default(0),
  lastSyncAt: z.iso.datetime({ offset: true }).nullish(),
  online: z.boolean().default(true),
});

declare module 'express-serve-static-core' {
  interface Request {
    device?: KioskDeviceDoc;
  }
}

export interface KioskDeps {
  config: Config;
  devices: KioskDevices;
  Device: KioskDeviceModel;
  catalog: CatalogCache;
  producer: IntakeProducer;
  vault: PiiVault;
  log: Logger;
  /** The app's files; default: this release's (kioskAssets()). */
  assets?: KioskAssets;
  /** Per-address limit of pairing attempts (docs/security.md). */
  limits?: RateLimits;
  /** Backdating and misuse-gap rules per device (shared/abuse/kiosk-guard.ts). */
  guard?: KioskGuard;
}

export function kioskRoutes(deps: KioskDeps): Router {
  const r = Router();
  const { config } = deps;
  const assets = () => deps.assets ?? kioskAssets();

  // ---- the app -------------------------------------------------------------------------------

  // The service worker's scope is /kiosk/, so the app lives there (with the slash).
  // `/kiosk` is the app too (the contract's address); the page moves its own address to `/kiosk/`,
  // the service worker's scope, without a reload.
  r.get(['/kiosk', '/kiosk/{*file}'], (req, res, next) => {
    const params = req.params as { file?: string[] };
    const name = (params.file ?? []).join('/') || 'index.html';
    const asset = assets().files.get(name);
    if (!asset) return next(Errors.notFound(`/kiosk/${name}`));
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', asset.cache);
    if (name === 'sw.js') res.setHeader('Service-Worker-Allowed', '/kiosk/');
    if (name === 'index.html')
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'",
      );
    res.send(asset.body);
  });

  // ---- the API -------------------------------------------------------------------------------

  const json = jsonBody(config.maxBodyBytes);
  const device: RequestHandler = async (req, _res, next) => {
    const auth = req.get('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    const d = await deps.devices.authenticate(token);
    if (!d)
      return next(
        new AppError(
          'KIOSK_NOT_PAIRED',
          'This kiosk is not paired (unknown, replaced or revoked token): pair it again.',
          401,
        ),
      );
    req.device = d;
    next();
  };

  const pairLimit: RequestHandler = deps.limits
    ? addressLimit(deps.limits, 'pair')
    : (_req, _res, next) => next();
  r.post('/api/v1/kiosk/pair', pairLimit, ...json, async (req, res) => {
    const code = (req.body as { pairingCode?: unknown })?.pairingCode;
    if (typeof code !== 'string' || !code.trim())
      throw Errors.validation([{ field: 'pairingCode', message: 'required' }]);
    let paired;
    try {
      paired = await deps.devices.pair(code);
    } catch {
      throw Errors.unavailable('Pairing');
    }
    if (!paired)
      throw new AppError(
        'PAIRING_CODE_INVALID',
        'This pairing code is not valid: it is mistyped, expired or already used.',
        400,
      );
    const cat = await deps.catalog.get();
    const center = cat.centerByCode.get(paired.device.centerCode);
    deps.log.info('kiosk paired', {
      deviceId: paired.device._id,
      center: paired.device.centerCode,
    });
    res.json({
      deviceToken: paired.token,
      deviceId: paired.device._id,
      center: { code: paired.device.centerCode, name: center?.name ?? null },
      /** The same code as `center.code`, flat, as ARCHITECTURE.md's clients read it. */
      centerCode: paired.device.centerCode,
    });
  });

  r.get('/api/v1/kiosk/config', device, async (req, res) => {
    const cat = await deps.catalog.get();
    const d = req.device!;
    const center = cat.centerByCode.get(d.centerCode);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      deviceId: d._id,
      appVersion: assets().version,
      center: { code: d.centerCode, name: center?.name ?? null },
      topics: cat.topics.map((t) => ({ code: t.code, name: t.name })),
      services: cat.services.map((s) => ({ code: s.code, name: s.name })),
      settings: {
        minGapMs: config.kiosk.minGapMs,
        thanksMs: config.kiosk.thanksMs,
        heartbeatMs: config.kiosk.heartbeatS * 1000,
      },
    });
  });

  r.post('/api/v1/kiosk/responses', device, ...json, async (req, res) => {
    const items = (req.body as { responses?: unknown })?.responses;
    if (!Array.isArray(items))
      throw Errors.validation([
        { field: 'responses', message: 'an array of responses is required' },
      ]);
    if (items.length > MAX_BATCH)
      throw Errors.validation([
        { field: 'responses', message: `at most ${MAX_BATCH} responses per request` },
      ]);
    const d = req.device!;
    const cat = await deps.catalog.get();
    const accepted: string[] = [];
    const rejected: {
      index: number;
      id: string | null;
      /** The first reason, as ARCHITECTURE.md's `{ id, error }` names it. */
      error: { code: 'VALIDATION_FAILED'; message: string };
      errors: { field: string; message: string }[];
      retry?: true;
    }[] = [];
    const warnings: { id: string; message: string }[] = [];
    const envs: IntakeEnvelope[] = [];
    const deviceTimes: { id: string; at: number }[] = [];
    const seen = new Set<string>();
    items.forEach((raw, index) => {
      const parsed = KioskResponseSchema.safeParse(raw);
      if (!parsed.success) {
        const id = (raw as { id?: unknown })?.id;
        const errors = parsed.error.issues.map((i) => ({
          field: i.path.join('.') || '(item)',
          message: i.message,
        }));
        rejected.push({
          index,
          id: typeof id === 'string' ? id.slice(0, 64) : null,
          error: {
            code: 'VALIDATION_FAILED',
            message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
          },
          errors,
          // Only fields this api does not know: a newer app during a roll-out, which a later
          // replica will accept. The tablet keeps such a response and tries it again later.
          ...(parsed.error.issues.every((i) => i.code === 'unrecognized_keys')
            ? { retry: true as const }
            : {}),
        });
        return;
      }
      const item = parsed.data;
      // Stored (and de-duplicated) under the lower-case id; echoed back as the tablet sent it.
      const id = item.id.toLowerCase();
      const sent = item.id;
      if (seen.has(id)) return; // the same response twice in one batch: once is enough
      seen.add(id);
      const env = envelopeOf(req, d, item, id, (message) => warnings.push({ id: sent, message }));
      if (item.service && !cat.serviceByCode.has(item.service)) {
        warnings.push({ id: sent, message: `unknown service ${item.service}: stored without it` });
        delete env.serviceCode;
      }
      envs.push(env);
      deviceTimes.push({ id, at: Date.parse(item.createdAt) });
      accepted.push(sent);
    });
    if (deps.guard && envs.length) await hold(d, envs, deviceTimes);
    await deps.producer.enqueueMany(envs);
    if (rejected.length)
      deps.log.warn('kiosk batch had invalid items', {
        deviceId: d._id,
        rejected: rejected.length,
        accepted: accepted.length,
      });
    res.json({ accepted, rejected, warnings });
  });

  r.post('/api/v1/kiosk/heartbeat', device, ...json, async (req, res) => {
    const parsed = HeartbeatSchema.safeParse(req.body);
    if (!parsed.success)
      throw Errors.validation(
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
    const h = parsed.data;
    await deps.Device.updateOne(
      { _id: req.device!._id },
      {
        $set: {
          heartbeat: {
            at: new Date(),
            appVersion: h.appVersion,
            queued: h.queued,
            rejected: h.rejected,
            misuse: h.misuse,
            online: h.online,
            ...(h.lastSyncAt ? { lastSyncAt: new Date(h.lastSyncAt) } : {}),
          },
        },
      },
    );
    res.status(204).end();
  });

  /**
   * Marks held what breaks the device rules: dated before its last sync, or closer than the
   * tablet's own gap to a counted response. Stored all the same; counted once staff release it.
   */
  async function hold(
    d: KioskDeviceDoc,
    envs: IntakeEnvelope[],
    times: { id: string; at: number }[],
  ) {
    const guard = deps.guard!;
    const floor = await guard.floor(d._id, new Date(d.createdAt));
    const rest: number[] = [];
    envs.forEach((env, i) => {
      if (times[i]!.at < floor) env.meta.held = 'kiosk:backdated';
      else rest.push(i);
    });
    const close = await guard.tooClose(
      d._id,
      rest.map((i) => times[i]!),
    );
    rest.forEach((i, k) => {
      if (close[k]) envs[i]!.meta.held = 'kiosk:gap';
    });
  }

  /** The intake envelope for one valid response, from this device's center. */
  function envelopeOf(
    req: Request,
    d: KioskDeviceDoc,
    item: KioskResponse,
    id: string,
    warn: (message: string) => void,
  ): IntakeEnvelope {
    const now = Date.now();
    const at = Date.parse(item.createdAt);
    const plausible = at > now - MAX_AGE_MS && at < now + MAX_AHEAD_MS;
    const meta: IntakeEnvelope['meta'] = { deviceId: d._id };
    if (!plausible) meta.deviceTime = item.createdAt;
    const appVersion = req.get('x-kiosk-version');
    if (appVersion) meta.appVersion = appVersion.slice(0, 40);
    let sender: IntakeEnvelope['sender'] = { kind: 'kiosk', consentToContact: false };
    if (item.contact) {
      // Asking to be contacted makes the response a complaint for the taskforce.
      meta.contactRequested = true;
      const phone = toE164(item.contact.phone);
      if (phone)
        sender = { kind: 'phone', id: deps.vault.encrypt(phone, 'phone'), consentToContact: true };
      else {
        meta.contactInvalid = true;
        warn('the phone number is not valid: the response is stored without it');
      }
    } else if (item.contactExpired) {
      // Still a request to be contacted (staff see it), with no number left to do it.
      meta.contactRequested = true;
      meta.contactExpired = true;
    }
    return {
      v: 1,
      channel: 'kiosk',
      externalId: id,
      receivedAt: new Date(plausible ? at : now).toISOString(),
      sender,
      rating: item.rating,
      centerCode: d.centerCode,
      ...(item.service ? { serviceCode: item.service } : {}),
      ...(item.topics?.length ? { topicCodes: [...new Set(item.topics)] } : {}),
      ...(item.lang ? { locale: item.lang } : {}),
      meta,
    };
  }

  return r;
}
