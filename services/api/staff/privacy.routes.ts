/**
 * A citizen's request to be forgotten (docs/privacy.md): an admin erases the personal data behind
 * a tracking code or a phone number. The feedback and every figure stay; the action is audited
 * with the number masked. `npm run erase` does the same from a shell.
 */
import { Router } from 'express';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { Errors } from '../../../shared/errors';
import { eraseCitizen, erasureTarget, type ErasureDeps } from '../../../shared/privacy/erasure';
import { toE164 } from '../../../shared/phone';
import type { AuditLog } from '../../../shared/staff/audit-log';
import { parseTrackingCode } from '../../../shared/tracking-code';
import { me, requireStaff } from './staff-session';
import { parseBody } from './validate';

export const PRIVACY_PATH = '/api/v1/privacy';

export const ErasureSchema = z
  .object({
    trackingCode: z.string().max(40).optional(),
    phone: z.string().max(40).optional(),
  })
  .strict()
  .refine((b) => (b.trackingCode === undefined) !== (b.phone === undefined), {
    message: 'Give either a trackingCode or a phone, not both.',
  });

export interface PrivacyDeps extends Omit<ErasureDeps, 'queues'> {
  queues: () => Queue[];
  audit: AuditLog;
}

export function privacyRoutes(deps: PrivacyDeps): Router {
  const r = Router();
  r.post(`${PRIVACY_PATH}/erasures`, requireStaff('admin'), async (req, res) => {
    const body = parseBody(ErasureSchema, req.body);
    let by: { trackingCode: string } | { phone: string };
    if (body.trackingCode !== undefined) {
      const code = parseTrackingCode(body.trackingCode);
      if (!code)
        throw Errors.validation([{ field: 'trackingCode', message: 'Not a tracking code.' }]);
      by = { trackingCode: code };
    } else {
      const phone = toE164(body.phone ?? '');
      if (!phone) throw Errors.validation([{ field: 'phone', message: 'Not a phone number.' }]);
      by = { phone };
    }
    const erased = await eraseCitizen({ ...deps, queues: deps.queues() }, by);
    await deps.audit.record({
      actor: me(req),
      action: 'erase',
      target: erasureTarget(by),
      ip: req.ip,
      details: { ...erased },
    });
    res.json({ erased });
  });
  return r;
}
