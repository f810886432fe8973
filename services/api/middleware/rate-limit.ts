/**
 * The HTTP face of the rate limits (shared/abuse/rate-limits.ts): a refusal is a 429 with
 * Retry-After and a message in Lao first, then English — JSON `{ error: … }` for the API, a small
 * page for the HTML form and status page. A held verdict is left on the request for the route.
 */
import type { Request, RequestHandler, Response } from 'express';
import { addressKey, type LimitVerdict, type RateLimits } from '../../../shared/abuse/rate-limits';
import type { Lang } from '../views/strings';
import { esc, page } from '../views/html';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `feedbackLimit` when the submission is to be stored held (the reason). */
    held?: string;
  }
}

/** The refusal message, Lao first (the tablet, the form and the API show it as it is). */
export function tooManyMessage(retryAfterS: number): { lo: string; en: string; both: string } {
  const lo = `ສົ່ງຫຼາຍເກີນໄປຈາກການເຊື່ອມຕໍ່ນີ້. ກະລຸນາລອງໃໝ່ໃນອີກ ${retryAfterS} ວິນາທີ.`;
  const en = `Too many requests from this connection. Please try again in ${retryAfterS} seconds.`;
  return { lo, en, both: `${lo} / ${en}` };
}

function refuse(req: Request, res: Response, v: LimitVerdict & { kind: 'refused' }, html: boolean) {
  const m = tooManyMessage(v.retryAfterS);
  res.setHeader('Retry-After', String(v.retryAfterS));
  res.setHeader('Cache-Control', 'no-store');
  if (html) {
    const lang: Lang = req.query.lang === 'en' ? 'en' : 'lo';
    res
      .status(429)
      .type('html')
      .send(
        page(
          lang,
          'ລໍຖ້າບຶດໜຶ່ງ · Please wait',
          `<div class="card errors" role="alert"><h1 lang="lo">ລໍຖ້າບຶດໜຶ່ງ</h1><p lang="lo">${esc(
            m.lo,
          )}</p><h2 lang="en">Please wait</h2><p lang="en">${esc(m.en)}</p></div>`,
        ),
      );
    return;
  }
  res.status(429).json({
    error: {
      code: 'RATE_LIMITED',
      message: m.both,
      details: [
        { field: 'lo', message: m.lo },
        { field: 'en', message: m.en },
      ],
      requestId: req.id,
    },
  });
}

/**
 * For feedback submissions (form and JSON API): 429 beyond the hard limit, `req.held` beyond the
 * soft one. `html`: answer a refusal with a page.
 */
export function feedbackLimit(limits: RateLimits, html: boolean): RequestHandler {
  return async (req, res, next) => {
    const v = await limits.feedback(addressKey(req.ip));
    if (v.kind === 'refused') return refuse(req, res, v, html);
    if (v.kind === 'held') req.held = v.reason;
    next();
  };
}

/** A hard per-address limit (status look-ups, kiosk pairing). */
export function addressLimit(
  limits: RateLimits,
  name: 'status' | 'pair',
  html: (req: Request) => boolean = () => false,
): RequestHandler {
  return async (req, res, next) => {
    const v = await limits.check(name, addressKey(req.ip));
    if (v.kind === 'refused') return refuse(req, res, v, html(req));
    next();
  };
}
