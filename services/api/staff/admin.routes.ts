/**
 * Accounts, the audit log (admin), and what every staff screen reads besides the queue: the people
 * an item can be assigned to, saved reply templates, and the catalog (docs/staff-api.md).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { CatalogView } from '../../../shared/catalog/catalog';
import { Errors } from '../../../shared/errors';
import { AUDIT_ACTIONS } from '../../../shared/models/audit.model';
import type { StaffUserModel } from '../../../shared/models/staff-user.model';
import type { AuditLog } from '../../../shared/staff/audit-log';
import type { NoticeBoard } from '../../../shared/staff/notices';
import { hashPassword, passwordProblem } from '../../../shared/staff/passwords';
import templates from '../../../shared/staff/reply-templates.json';
import { ROLES } from '../../../shared/staff/roles';
import { checkScope, createStaffUser, userView } from '../../../shared/staff/staff-users';
import { isDay } from '../../../shared/staff/vientiane-days';
import { laoDigitsToAscii } from '../../../shared/text-normalize';
import { me, requireStaff } from './staff-session';
import { parseBody } from './validate';

export interface AdminDeps {
  Users: StaffUserModel;
  notices: NoticeBoard;
  audit: AuditLog;
  catalog: () => Promise<CatalogView>;
}

export const UserPatchSchema = z
  .object({
    role: z.enum(ROLES).optional(),
    centers: z.array(z.string().max(60)).max(200).optional(),
    disabled: z.boolean().optional(),
    password: z.string().max(200).optional(),
    telegramChatId: z
      .string()
      .regex(/^-?\d{1,20}$/, 'a Telegram chat id is a number')
      .nullable()
      .optional(),
  })
  .strict();

const day = z.preprocess(
  (v) => (typeof v === 'string' ? laoDigitsToAscii(v.trim()) : v),
  z.string().refine(isDay, 'must be a day written YYYY-MM-DD'),
);
export const AuditQuerySchema = z.object({
  actor: z.string().max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function adminRoutes(deps: AdminDeps): Router {
  const r = Router();
  const known = async () => new Set((await deps.catalog()).centers.map((c) => c.code));

  r.get('/api/v1/users', requireStaff('admin'), async (_req, res) => {
    const users = await deps.Users.find({}).lean();
    users.sort((a, b) => a.email.localeCompare(b.email));
    res.json({ items: users.map(userView) });
  });

  r.post('/api/v1/users', requireStaff('admin'), async (req, res) => {
    const user = await createStaffUser(deps.Users, req.body ?? {}, await known());
    await deps.audit.record({
      actor: me(req),
      action: 'user_create',
      target: user._id,
      ip: req.ip,
      details: { email: user.email, role: user.role, centers: user.centers },
    });
    res.status(201).json(userView(user));
  });

  r.patch('/api/v1/users/:id', requireStaff('admin'), async (req, res) => {
    const p = parseBody(UserPatchSchema, req.body);
    const id = String(req.params.id);
    const user = await deps.Users.findById(id).lean();
    if (!user) throw Errors.notFound('This user');
    const set: Record<string, unknown> = {};
    if (p.role !== undefined || p.centers !== undefined) {
      const role = p.role ?? user.role;
      set.role = role;
      set.centers = checkScope(
        role,
        p.centers ?? (role === user.role ? user.centers : []),
        await known(),
      );
    }
    if (p.disabled !== undefined) {
      if (p.disabled && id === me(req).id)
        throw Errors.validation([{ field: 'disabled', message: 'You cannot disable yourself.' }]);
      set.disabled = p.disabled;
    }
    const unset: Record<string, ''> = {};
    if (p.telegramChatId === null) unset.telegramChatId = '';
    else if (p.telegramChatId !== undefined) set.telegramChatId = p.telegramChatId;
    if (p.password !== undefined) {
      const problem = passwordProblem(p.password);
      if (problem) throw Errors.validation([{ field: 'password', message: problem }]);
      set.passwordHash = await hashPassword(p.password);
      // Every session of that person ends (they sign in with the new password).
      set.passwordChangedAt = new Date();
    }
    await deps.Users.updateOne(
      { _id: id },
      { $set: set, ...(p.telegramChatId === null ? { $unset: unset } : {}) },
    );
    const after = (await deps.Users.findById(id).lean())!;
    const changed = Object.keys(set).filter(
      (k) => k !== 'passwordHash' && k !== 'passwordChangedAt',
    );
    await deps.audit.record({
      actor: me(req),
      action: 'user_update',
      target: id,
      ip: req.ip,
      details: {
        changed: p.password !== undefined ? [...changed, 'password'] : changed,
        role: after.role,
        centers: after.centers,
        disabled: after.disabled,
      },
    });
    res.json(userView(after));
  });

  r.get('/api/v1/audit', requireStaff('admin'), async (req, res) => {
    const r2 = AuditQuerySchema.safeParse(req.query);
    if (!r2.success)
      throw Errors.validation(
        r2.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
    res.json(await deps.audit.query(r2.data));
  });

  r.get('/api/v1/staff', requireStaff('act'), async (_req, res) => {
    const users = await deps.Users.find({}).lean();
    res.json({
      items: users
        .filter((u) => !u.disabled && u.role !== 'analyst')
        .sort((a, b) => a.email.localeCompare(b.email))
        .map((u) => ({ id: u._id, email: u.email, role: u.role, centers: u.centers ?? [] })),
    });
  });

  r.get('/api/v1/notices', requireStaff('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await deps.notices.list(me(req).id));
  });

  r.post('/api/v1/notices/read', requireStaff('read'), async (req, res) => {
    await deps.notices.markRead(me(req).id);
    res.status(204).end();
  });

  r.get('/api/v1/reply-templates', requireStaff('read'), (_req, res) => {
    res.json({ items: templates.templates });
  });

  r.get('/api/v1/catalog', requireStaff('read'), async (_req, res) => {
    const c = await deps.catalog();
    res.json({
      centers: c.centers.map((x) => ({
        code: x.code,
        province: x.province,
        level: x.level,
        name: x.name,
        active: x.active,
      })),
      services: c.services.map((x) => ({ code: x.code, name: x.name })),
      topics: c.topics.map((x) => ({ code: x.code, name: x.name })),
    });
  });

  return r;
}
