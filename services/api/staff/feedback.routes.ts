/**
 * The review queue routes (docs/staff-api.md "The review queue"). Handlers validate and call the
 * Workspace; the scope is applied there, in one place.
 */
import { Router } from 'express';
import { z } from 'zod';
import { Errors } from '../../../shared/errors';
import { MAX_BODY } from '../../../shared/notify';
import { QueueQuerySchema } from '../../../shared/staff/queue-query';
import { STAFF_STATUSES } from '../../../shared/staff/staff-status';
import { me, requireStaff } from './staff-session';
import { parseBody } from './validate';
import type { Workspace } from './workspace';

export const PatchSchema = z
  .object({
    status: z.enum(STAFF_STATUSES).optional(),
    assigneeId: z.string().max(64).nullable().optional(),
    centerCode: z.string().max(60).optional(),
    serviceCode: z.string().max(60).optional(),
    topics: z.array(z.string().max(60)).max(20).optional(),
    kind: z.string().max(30).optional(),
    duplicateOf: z.string().max(20).optional(),
    resolutionNote: z.string().trim().min(1).max(4000).optional(),
  })
  .strict();

export const TextSchema = (max: number) =>
  z.object({ text: z.string().trim().min(1).max(max) }).strict();

export const ReleaseSchema = z
  .object({ trackingCodes: z.array(z.string().max(20)).min(1).max(200) })
  .strict();

export const BulkSchema = z
  .object({
    trackingCodes: z.array(z.string().max(20)).min(1).max(200),
    set: z
      .object({
        status: z.enum(['triaged', 'in_progress', 'closed', 'spam']).optional(),
        assigneeId: z.string().max(64).nullable().optional(),
      })
      .strict()
      .refine((s) => s.status !== undefined || s.assigneeId !== undefined, 'Nothing to change.'),
  })
  .strict();

function parseQuery(query: unknown) {
  const r = QueueQuerySchema.safeParse(query);
  if (!r.success)
    throw Errors.validation(
      r.error.issues.map((i) => ({
        field: String(i.path[0] ?? (i.code === 'unrecognized_keys' ? i.keys.join(',') : 'query')),
        message: i.message,
      })),
    );
  return r.data;
}

export function feedbackRoutes(ws: Workspace): Router {
  const r = Router();
  const base = '/api/v1/feedback';

  r.get(base, requireStaff('read'), async (req, res) => {
    res.json(await ws.list(me(req), parseQuery(req.query)));
  });

  r.get(`${base}/counts`, requireStaff('read'), async (req, res) => {
    res.json(await ws.counts(me(req), parseQuery(req.query)));
  });

  r.post(`${base}/bulk`, requireStaff('act'), async (req, res) => {
    const body = parseBody(BulkSchema, req.body);
    res.json({ results: await ws.bulk(me(req), body.trackingCodes, body.set, req.ip) });
  });

  // Many held items released at once (each as the one-item release below: counted once, audited).
  r.post(`${base}/release`, requireStaff('act'), async (req, res) => {
    const body = parseBody(ReleaseSchema, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ results: await ws.releaseMany(me(req), body.trackingCodes, req.ip) });
  });

  r.get(`${base}/:trackingCode`, requireStaff('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await ws.item(me(req), String(req.params.trackingCode), req.ip));
  });

  r.patch(`${base}/:trackingCode`, requireStaff('act'), async (req, res) => {
    const patch = parseBody(PatchSchema, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await ws.update(me(req), String(req.params.trackingCode), patch, req.ip));
  });

  // Held items (over a rate limit, or flagged) count in official figures only once released.
  r.post(`${base}/:trackingCode/release`, requireStaff('act'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await ws.release(me(req), String(req.params.trackingCode), req.ip));
  });

  r.post(`${base}/:trackingCode/notes`, requireStaff('act'), async (req, res) => {
    const { text } = parseBody(TextSchema(4000), req.body);
    const noteId = await ws.addNote(me(req), String(req.params.trackingCode), text, req.ip);
    res.status(201).json({ noteId });
  });

  r.post(`${base}/:trackingCode/replies`, requireStaff('act'), async (req, res) => {
    const { text } = parseBody(TextSchema(MAX_BODY.sms), req.body);
    const replyId = await ws.reply(me(req), String(req.params.trackingCode), text, req.ip);
    res.status(202).json({ replyId });
  });

  return r;
}
