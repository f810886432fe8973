/**
 * The catalog admins edit (docs/catalog.md, docs/staff-api.md): add, rename (Lao and English),
 * move (another province) and deactivate centers, services and topics (topic codes are fixed by the
 * intake: see TopicCreate). Codes never change — they
 * are stored in every feedback — and nothing is deleted: a deactivated entry leaves the web form,
 * the kiosks, the Telegram menus and the classifier, and its past feedback keeps its code. Every
 * change is audited with the fields it changed, before and after. The seed never undoes one.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { seedCenters } from '../../../shared/catalog/catalog';
import { isDuplicateKey } from '../../../shared/db/mongo';
import { Errors } from '../../../shared/errors';
import { TOPIC_CODES } from '../../../shared/intake-envelope.schema';
import type {
  CatalogModels,
  CenterDoc,
  ServiceDoc,
  TopicDoc,
} from '../../../shared/models/catalog.model';
import type { AuditLog } from '../../../shared/staff/audit-log';
import { me, requireStaff } from './staff-session';
import { parseBody } from './validate';

export interface CatalogAdminDeps {
  models: CatalogModels;
  audit: AuditLog;
  /** Called after every change, so this process's catalog cache reads it again at once. */
  changed: () => void;
}

/** The 18 provinces (ISO 3166-2:LA) of the shipped catalog. */
export const PROVINCES = [...new Set(seedCenters.map((c) => c.province))].sort();

const text = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max));
const Name = z.object({ lo: text(200), en: text(200) }).strict();
const Aliases = z.array(text(100)).max(50);
const Province = z.enum(PROVINCES as [string, ...string[]], {
  error: `must be one of the provinces: ${PROVINCES.join(', ')}`,
});

export const CenterCreate = z
  .object({
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^LA-[A-Z]{2}(-[A-Z0-9]{2,40})?$/, 'a province code (LA-XX) or LA-XX-DISTRICT'),
    province: Province,
    level: z.enum(['province', 'district']),
    name: Name,
    place: Name.optional(),
    towns: z.array(Name).max(50).optional(),
    aliases: Aliases.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const want = c.level === 'province' ? c.province : `${c.province}-…`;
    const ok = c.level === 'province' ? c.code === c.province : c.code.startsWith(`${c.province}-`);
    if (!ok)
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: `a ${c.level} center of ${c.province} has the code ${want}`,
      });
  });

const atLeastOne = (o: object) => Object.keys(o).length > 0;
const nothing = { message: 'nothing to change' };

export const CenterPatch = z
  .object({
    name: Name.optional(),
    place: Name.optional(),
    province: Province.optional(),
    towns: z.array(Name).max(50).optional(),
    aliases: Aliases.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine(atLeastOne, nothing);

export const ServiceCreate = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{1,48}$/, 'lower-case letters, digits and _ (e.g. land_registration)'),
    name: Name,
    ministry: text(200).optional(),
    aliases: Aliases.optional(),
  })
  .strict();

export const ServicePatch = z
  .object({
    name: Name.optional(),
    ministry: text(200).optional(),
    aliases: Aliases.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine(atLeastOne, nothing);

/**
 * Topic codes are part of the intake contract (the IntakeEnvelope, the classifier's word lists,
 * the rollups), so a topic can be renamed, switched off and on, and re-added if it was lost, but a
 * new topic code needs a release (docs/catalog.md).
 */
export const TopicCreate = z
  .object({
    code: z.enum(TOPIC_CODES, {
      error: `a topic the intake knows: ${TOPIC_CODES.join(', ')} (a new topic needs a release)`,
    }),
    name: Name,
  })
  .strict();

export const TopicPatch = z
  .object({ name: Name.optional(), active: z.boolean().optional() })
  .strict()
  .refine(atLeastOne, nothing);

type Kind = 'center' | 'service' | 'topic';

function centerView(c: CenterDoc) {
  return {
    code: c.code,
    province: c.province,
    level: c.level,
    name: c.name,
    place: c.place,
    towns: c.towns ?? [],
    aliases: c.aliases ?? [],
    active: c.active !== false,
  };
}
function serviceView(s: ServiceDoc) {
  return {
    code: s.code,
    name: s.name,
    ministry: s.ministry ?? '',
    aliases: s.aliases ?? [],
    active: s.active !== false,
  };
}
function topicView(t: TopicDoc) {
  return { code: t.code, name: t.name, active: t.active !== false };
}

/** The fields whose value differs, with both values, for the audit log. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changed = Object.keys(after).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  return {
    changed,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  };
}

export function catalogAdminRoutes(deps: CatalogAdminDeps): Router {
  const r = Router();
  const { Center, Service, Topic } = deps.models;

  // Everything, inactive entries included, for the admin's catalog screen.
  r.get('/api/v1/catalog/all', requireStaff('admin'), async (_req, res) => {
    const [centers, services, topics] = await Promise.all([
      Center.find({}).lean<CenterDoc[]>(),
      Service.find({}).lean<ServiceDoc[]>(),
      Topic.find({}).lean<TopicDoc[]>(),
    ]);
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      provinces: PROVINCES,
      centers: centers.sort(byCode).map(centerView),
      services: services.sort(byCode).map(serviceView),
      topics: topics.sort(byCode).map(topicView),
    });
  });

  async function created(req: Request, kind: Kind, code: string, details: Record<string, unknown>) {
    deps.changed();
    await deps.audit.record({
      actor: me(req),
      action: 'catalog_create',
      target: `${kind}:${code}`,
      ip: req.ip,
      details,
    });
  }

  const taken = (kind: Kind, code: string) =>
    Errors.conflict('CATALOG_CODE_TAKEN', `A ${kind} with the code ${code} already exists.`);

  r.post('/api/v1/catalog/centers', requireStaff('admin'), async (req, res) => {
    const b = parseBody(CenterCreate, req.body);
    const doc: CenterDoc = {
      code: b.code,
      level: b.level,
      province: b.province,
      name: b.name,
      place: b.place ?? b.name,
      aliases: [...new Set(b.aliases ?? [])],
      towns: b.towns ?? [],
      active: true,
    };
    if (await Center.exists({ code: doc.code })) throw taken('center', doc.code);
    try {
      await Center.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw taken('center', doc.code);
      throw err;
    }
    await created(req, 'center', doc.code, centerView(doc));
    res.status(201).json(centerView(doc));
  });

  r.post('/api/v1/catalog/services', requireStaff('admin'), async (req, res) => {
    const b = parseBody(ServiceCreate, req.body);
    const doc: ServiceDoc = {
      code: b.code,
      name: b.name,
      ministry: b.ministry ?? '',
      aliases: [...new Set(b.aliases ?? [])],
      loConfidence: 'admin',
      active: true,
    };
    if (await Service.exists({ code: doc.code })) throw taken('service', doc.code);
    try {
      await Service.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw taken('service', doc.code);
      throw err;
    }
    await created(req, 'service', doc.code, serviceView(doc));
    res.status(201).json(serviceView(doc));
  });

  r.post('/api/v1/catalog/topics', requireStaff('admin'), async (req, res) => {
    const b = parseBody(TopicCreate, req.body);
    const doc: TopicDoc = { code: b.code, name: b.name, active: true };
    if (await Topic.exists({ code: doc.code })) throw taken('topic', doc.code);
    try {
      await Topic.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw taken('topic', doc.code);
      throw err;
    }
    await created(req, 'topic', doc.code, topicView(doc));
    res.status(201).json(topicView(doc));
  });

  /**
   * One PATCH for the three kinds: read the entry, write the changed fields by _id (FerretDB
   * pushes down only _id equality), audit what changed. A PATCH that changes nothing is answered
   * with the entry and not audited.
   */
  function patchRoute<T extends { code: string }, V extends Record<string, unknown>>(
    kind: Kind,
    path: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Model: any,
    schema: z.ZodType<Record<string, unknown>>,
    view: (d: T) => V,
  ) {
    r.patch(path, requireStaff('admin'), async (req, res) => {
      const p = parseBody(schema, req.body);
      const code = String(req.params.code);
      const cur = (await Model.findOne({ code }).lean()) as (T & { _id: unknown }) | null;
      if (!cur) throw Errors.notFound(`The ${kind} ${code}`);
      const next = { ...cur, ...p } as T;
      const d = diff(view(cur), view(next));
      if (d.changed.length) {
        await Model.updateOne({ _id: cur._id }, { $set: p });
        deps.changed();
        await deps.audit.record({
          actor: me(req),
          action: 'catalog_update',
          target: `${kind}:${code}`,
          ip: req.ip,
          details: d,
        });
      }
      res.json(view(next));
    });
  }
  patchRoute<CenterDoc, ReturnType<typeof centerView>>(
    'center',
    '/api/v1/catalog/centers/:code',
    Center,
    CenterPatch,
    centerView,
  );
  patchRoute<ServiceDoc, ReturnType<typeof serviceView>>(
    'service',
    '/api/v1/catalog/services/:code',
    Service,
    ServicePatch,
    serviceView,
  );
  patchRoute<TopicDoc, ReturnType<typeof topicView>>(
    'topic',
    '/api/v1/catalog/topics/:code',
    Topic,
    TopicPatch,
    topicView,
  );

  return r;
}
