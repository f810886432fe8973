/**
 * Alerts and kiosk health (docs/staff-api.md "Alerts and kiosk health"): the alerts the job opened
 * (shared/reports/alerts.ts), the rules behind them (admins edit them, audited), and every tablet
 * with its last heartbeat. All in the caller's scope: a center manager sees their centers' alerts
 * and tablets only.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { Errors } from '../../../shared/errors';
import type { KioskDeviceDoc, KioskDeviceModel } from '../../../shared/models/kiosk-device.model';
import {
  ALERT_KINDS,
  DEFAULT_RULES,
  type AlertDoc,
  type AlertModel,
  type AlertRuleDoc,
  type AlertRuleModel,
} from '../../../shared/reports/alerts';
import type { AuditLog } from '../../../shared/staff/audit-log';
import { inScope, scopeOf } from '../../../shared/staff/roles';
import { me, requireStaff } from './staff-session';
import { parseBody } from './validate';

const CenterList = z.array(z.string().regex(/^LA-[A-Z]{2}(-[A-Z0-9]{2,40})?$/)).max(100);
const Params = z
  .object({
    threshold: z.number().min(0).max(1).optional(),
    days: z.number().int().min(1).max(90).optional(),
    minRated: z.number().int().min(1).max(100000).optional(),
    percent: z.number().min(1).max(10000).optional(),
    minCount: z.number().int().min(1).max(100000).optional(),
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .optional(),
  })
  .strict();

export const RuleCreate = z
  .object({
    kind: z.enum(ALERT_KINDS),
    params: Params,
    centers: CenterList.default([]),
    active: z.boolean().default(true),
  })
  .strict();
export const RulePatch = z
  .object({
    params: Params.optional(),
    centers: CenterList.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Nothing to change.');

/** The parameters each kind uses; others are refused so that a rule says what it means. */
const PARAMS_OF: Record<AlertRuleDoc['kind'], string[]> = {
  satisfaction_below: ['threshold', 'days', 'minRated'],
  topic_up: ['percent', 'minCount'],
  kiosk_silent: ['hours'],
};

function checkParams(kind: AlertRuleDoc['kind'], params: Record<string, unknown>) {
  const extra = Object.keys(params).filter((k) => !PARAMS_OF[kind].includes(k));
  if (extra.length)
    throw Errors.validation(
      extra.map((k) => ({ field: `params.${k}`, message: `A ${kind} rule has no ${k}.` })),
    );
}

/** What staff see of a tablet: its heartbeat and a state worked out from it. */
export function kioskHealth(d: KioskDeviceDoc, now: number, heartbeatS: number) {
  const hb = d.heartbeat;
  const lastMs = hb?.at ? new Date(hb.at).getTime() : null;
  const state = d.revokedAt
    ? 'revoked'
    : !d.pairedAt
      ? 'unpaired'
      : lastMs === null || now - lastMs >= 24 * 3_600_000
        ? 'silent'
        : !hb!.online || now - lastMs > 3 * heartbeatS * 1000
          ? 'offline'
          : 'online';
  return {
    id: d._id,
    centerCode: d.centerCode,
    label: d.label ?? null,
    pairedAt: d.pairedAt ?? null,
    revokedAt: d.revokedAt ?? null,
    state,
    lastHeartbeatAt: hb?.at ?? null,
    silentHours: lastMs === null ? null : Math.floor((now - lastMs) / 3_600_000),
    appVersion: hb?.appVersion ?? null,
    queued: hb?.queued ?? null,
    rejected: hb?.rejected ?? null,
    misuse: hb?.misuse ?? null,
    lastSyncAt: hb?.lastSyncAt ?? null,
  };
}

export function alertRoutes(d: {
  Rules: AlertRuleModel;
  Alerts: AlertModel;
  Devices: KioskDeviceModel;
  audit: AuditLog;
  heartbeatS: number;
}): Router {
  const r = Router();

  r.get('/api/v1/alerts', requireStaff('read'), async (req, res) => {
    const state = req.query.state === 'all' ? 'all' : 'active';
    const scope = scopeOf(me(req));
    const all = await d.Alerts.find({}).lean<AlertDoc[]>();
    const items = all
      .filter((a) => (state === 'all' || a.active) && (scope.all || inScope(scope, a.centerCode)))
      .sort(
        (a, b) => Number(b.active) - Number(a.active) || +new Date(b.since) - +new Date(a.since),
      )
      .slice(0, 500)
      .map((a) => ({
        id: a._id,
        ruleId: a.ruleId,
        kind: a.kind,
        subject: a.subject,
        centerCode: a.centerCode,
        value: a.value,
        threshold: a.threshold,
        count: a.count ?? null,
        before: a.before ?? null,
        since: a.since,
        lastEvaluatedAt: a.lastEvaluatedAt,
        active: a.active,
        resolvedAt: a.resolvedAt ?? null,
      }));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items });
  });

  r.get('/api/v1/alerts/rules', requireStaff('read'), async (_req, res) => {
    let rules = await d.Rules.find({}).lean<AlertRuleDoc[]>();
    // Before the job first ran, the defaults it will write are what applies.
    if (!rules.length)
      rules = DEFAULT_RULES.map((x) => ({
        ...x,
        active: true,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      }));
    res.json({
      items: rules.map((x) => ({
        id: x._id,
        kind: x.kind,
        params: x.params,
        centers: x.centers ?? [],
        active: x.active,
      })),
    });
  });

  r.post('/api/v1/alerts/rules', requireStaff('admin'), async (req, res) => {
    const body = parseBody(RuleCreate, req.body);
    checkParams(body.kind, body.params);
    const id = `rule-${randomUUID().slice(0, 8)}`;
    await d.Rules.create({ _id: id, ...body });
    await d.audit.record({
      actor: me(req),
      action: 'alert_rule',
      target: id,
      ip: req.ip,
      details: { created: body },
    });
    res.status(201).json({ id, ...body });
  });

  r.patch('/api/v1/alerts/rules/:id', requireStaff('admin'), async (req, res) => {
    const id = String(req.params.id);
    const body = parseBody(RulePatch, req.body);
    const cur = await d.Rules.findById(id).lean<AlertRuleDoc>();
    if (!cur) throw Errors.notFound('This rule');
    if (body.params) checkParams(cur.kind, body.params);
    await d.Rules.updateOne({ _id: id }, { $set: body });
    await d.audit.record({
      actor: me(req),
      action: 'alert_rule',
      target: id,
      ip: req.ip,
      details: {
        from: { params: cur.params, centers: cur.centers, active: cur.active },
        to: body,
      },
    });
    const after = (await d.Rules.findById(id).lean<AlertRuleDoc>())!;
    res.json({
      id,
      kind: after.kind,
      params: after.params,
      centers: after.centers ?? [],
      active: after.active,
    });
  });

  r.get('/api/v1/kiosks', requireStaff('read'), async (req, res) => {
    const scope = scopeOf(me(req));
    const now = Date.now();
    const devices = (await d.Devices.find({}).lean<KioskDeviceDoc[]>())
      .filter((x) => inScope(scope, x.centerCode))
      .map((x) => kioskHealth(x, now, d.heartbeatS))
      .sort((a, b) => a.centerCode.localeCompare(b.centerCode) || a.id.localeCompare(b.id));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: devices });
  });

  return r;
}
