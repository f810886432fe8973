/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the public and staff API. Every request
 * body and query is the JSON Schema of the zod schema that validates it (`z.toJSONSchema`, the
 * request side), so the document cannot drift from what the routes accept. Responses are described
 * in words with their status codes; their shapes are in docs/api.md and docs/staff-api.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { NewUserSchema } from '../../shared/staff/staff-users';
import { QueueQuerySchema } from '../../shared/staff/queue-query';
import { WebFeedbackSchema } from './channels/web-feedback.schema';
import { HeartbeatSchema, KioskResponseFields } from './kiosk/kiosk.routes';
import { MonthSchema } from './routes/public.routes';
import { AuditQuerySchema, UserPatchSchema } from './staff/admin.routes';
import { RuleCreate, RulePatch } from './staff/alerts.routes';
import { LoginSchema, PasswordSchema } from './staff/auth.routes';
import {
  CenterCreate,
  CenterPatch,
  ServiceCreate,
  ServicePatch,
  TopicCreate,
  TopicPatch,
} from './staff/catalog.routes';
import { EXPORT_PATH } from './staff/export.routes';
import { BulkSchema, PatchSchema, ReleaseSchema, TextSchema } from './staff/feedback.routes';
import { MonthlyQuerySchema } from './staff/monthly-report';
import { ErasureSchema, PRIVACY_PATH } from './staff/privacy.routes';
import { ReportQuerySchema } from './staff/reports.routes';

export const OPENAPI_PATH = '/api/v1/openapi.json';

type Who = 'public' | 'staff' | 'kiosk' | 'twilio' | 'telegram' | 'operators';

interface Operation {
  method: 'get' | 'post' | 'patch';
  /** Express-style path (`:name` parameters). */
  path: string;
  who: Who;
  summary: string;
  body?: z.ZodType;
  /** The body's media type, when not JSON. */
  bodyType?: string;
  query?: z.ZodType;
  responses: Record<string, string>;
}

const ERRORS = { '422': 'Invalid input: `{ error: { code, message, details, requestId } }`.' };
const STAFF = {
  '401': 'No staff session.',
  '403': 'The role may not do this, or the CSRF token is missing.',
};

/** Every route of the API (HTML pages and static assets are left out). */
const OPERATIONS: Operation[] = [
  // Citizens
  {
    method: 'post',
    path: '/api/v1/feedback',
    who: 'public',
    summary: 'Send feedback (the web form as JSON). `Idempotency-Key` makes a retry one feedback.',
    body: WebFeedbackSchema,
    responses: { '202': '`{ trackingCode }`', ...ERRORS, '429': 'Too many from one address.' },
  },
  {
    method: 'get',
    path: '/api/v1/status/:trackingCode',
    who: 'public',
    summary: 'Where a feedback stands: `{ trackingCode, status, receivedAt, updatedAt }`.',
    responses: { '200': 'The status.', '404': 'No feedback has this code.' },
  },
  {
    method: 'get',
    path: '/api/v1/public/scoreboard',
    who: 'public',
    summary: 'Per-center figures of a month; no personal data, no free text.',
    query: MonthSchema,
    responses: { '200': '`{ month, centers: [...] }`', ...ERRORS },
  },
  // Providers
  {
    method: 'post',
    path: '/webhooks/sms/twilio',
    who: 'twilio',
    summary: 'An incoming SMS (signed with `X-Twilio-Signature`); answered with TwiML.',
    bodyType: 'application/x-www-form-urlencoded',
    responses: { '200': 'TwiML.', '403': 'Bad signature.' },
  },
  {
    method: 'post',
    path: '/webhooks/sms/twilio/status',
    who: 'twilio',
    summary: 'A delivery status of an outgoing SMS (signed).',
    bodyType: 'application/x-www-form-urlencoded',
    responses: { '204': 'Recorded.', '403': 'Bad signature.' },
  },
  {
    method: 'post',
    path: '/webhooks/telegram',
    who: 'telegram',
    summary: 'A Telegram update (checked by `X-Telegram-Bot-Api-Secret-Token`).',
    responses: { '200': 'Accepted.', '401': 'Wrong secret.', '503': 'Try again later.' },
  },
  // Kiosk tablets
  {
    method: 'post',
    path: '/api/v1/kiosk/pair',
    who: 'public',
    summary: 'Exchange a one-time pairing code for a device token.',
    body: z.strictObject({ pairingCode: z.string() }),
    responses: {
      '200': '`{ deviceToken, deviceId, center, centerCode }`',
      '400': 'Unknown or used code.',
      '429': 'Too many tries.',
    },
  },
  {
    method: 'get',
    path: '/api/v1/kiosk/config',
    who: 'kiosk',
    summary: "The device's center, menus and settings.",
    responses: { '200': 'The configuration.', '401': 'Not paired.' },
  },
  {
    method: 'post',
    path: '/api/v1/kiosk/responses',
    who: 'kiosk',
    summary:
      'A batch of answers with client UUIDs (one item shown; `topicCodes` / `serviceCode` / `consentToContact` are read as `topics` / `service` / `consent`).',
    body: z.strictObject({ responses: z.array(KioskResponseFields).max(100) }),
    responses: {
      '200': '`{ accepted: [id], rejected: [{ index, id, error, errors, retry? }], warnings }`',
      '401': 'Not paired.',
      ...ERRORS,
    },
  },
  {
    method: 'post',
    path: '/api/v1/kiosk/heartbeat',
    who: 'kiosk',
    summary: "The tablet's state, for staff.",
    body: HeartbeatSchema,
    responses: { '204': 'Recorded.', '401': 'Not paired.', ...ERRORS },
  },
  // Operators
  {
    method: 'get',
    path: '/healthz',
    who: 'operators',
    summary: 'The process is up.',
    responses: { '200': 'Up.' },
  },
  {
    method: 'get',
    path: '/readyz',
    who: 'operators',
    summary: 'MongoDB and Redis reachable (details only on the internal port).',
    responses: { '200': 'Ready or degraded (feedback is spooled).', '503': 'Not ready.' },
  },
  // Staff: session
  {
    method: 'post',
    path: '/api/v1/auth/login',
    who: 'public',
    summary: 'Staff login; sets the session cookie.',
    body: LoginSchema,
    responses: {
      '200': '`{ user, csrfToken }`',
      '401': 'Wrong email or password.',
      '429': 'Locked for a while.',
    },
  },
  {
    method: 'get',
    path: '/api/v1/auth/me',
    who: 'staff',
    summary: 'The signed-in user and a CSRF token.',
    responses: { '200': '`{ user, csrfToken }`', ...STAFF },
  },
  {
    method: 'post',
    path: '/api/v1/auth/logout',
    who: 'staff',
    summary: 'End the session.',
    responses: { '204': 'Done.', ...STAFF },
  },
  {
    method: 'post',
    path: '/api/v1/auth/password',
    who: 'staff',
    summary: 'Change your password.',
    body: PasswordSchema,
    responses: { '204': 'Changed.', ...STAFF, ...ERRORS },
  },
  // Staff: the review queue
  {
    method: 'get',
    path: '/api/v1/feedback',
    who: 'staff',
    summary: 'The review queue, filtered and sorted, one page after `cursor`.',
    query: QueueQuerySchema,
    responses: { '200': '`{ items, nextCursor }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/feedback/counts',
    who: 'staff',
    summary: 'Tab counts under the same filters (status ignored).',
    query: QueueQuerySchema,
    responses: { '200': '`{ byStatus, open, overdue, held }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/feedback/:trackingCode',
    who: 'staff',
    summary: 'One item: text, classification, thread, history, contact where the role may see it.',
    responses: { '200': 'The item.', ...STAFF, '404': 'Not found or not in your scope.' },
  },
  {
    method: 'patch',
    path: '/api/v1/feedback/:trackingCode',
    who: 'staff',
    summary: 'Triage: status, assignee, corrections of center, service, topics, kind.',
    body: PatchSchema,
    responses: { '200': 'The item.', ...STAFF, ...ERRORS, '409': 'Not a valid move.' },
  },
  {
    method: 'post',
    path: '/api/v1/feedback/:trackingCode/notes',
    who: 'staff',
    summary: 'An internal note.',
    body: TextSchema(4000),
    responses: { '201': '`{ noteId }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'post',
    path: '/api/v1/feedback/:trackingCode/replies',
    who: 'staff',
    summary: 'A reply to the citizen over their channel.',
    body: TextSchema(4000),
    responses: { '202': '`{ replyId }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'post',
    path: '/api/v1/feedback/:trackingCode/release',
    who: 'staff',
    summary: 'Release a held item: it counts in the official figures from now on.',
    responses: { '200': 'The item.', ...STAFF, '409': 'Not held.' },
  },
  {
    method: 'post',
    path: '/api/v1/feedback/bulk',
    who: 'staff',
    summary: 'The same status or assignee on many items, each on its own.',
    body: BulkSchema,
    responses: { '200': '`{ results: [{ trackingCode, ok, error? }] }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'post',
    path: '/api/v1/feedback/release',
    who: 'staff',
    summary: 'Release many held items, each on its own.',
    body: ReleaseSchema,
    responses: { '200': '`{ results: [{ trackingCode, ok, error? }] }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/reply-templates',
    who: 'staff',
    summary: 'Reply templates in Lao and English.',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'get',
    path: '/api/v1/staff',
    who: 'staff',
    summary: 'The people an item can be assigned to.',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'get',
    path: '/api/v1/notices',
    who: 'staff',
    summary: "The caller's escalation notices.",
    responses: { '200': '`{ items, unread }`', ...STAFF },
  },
  {
    method: 'post',
    path: '/api/v1/notices/read',
    who: 'staff',
    summary: 'Mark the notices read.',
    responses: { '204': 'Done.', ...STAFF },
  },
  // Staff: reports
  ...(['summary', 'centers', 'overview'] as const).map((name): Operation => ({
    method: 'get',
    path: `/api/v1/reports/${name}`,
    who: 'staff',
    summary: `Report figures: ${name}.`,
    query: ReportQuerySchema,
    responses: { '200': 'The figures.', ...STAFF, ...ERRORS },
  })),
  {
    method: 'get',
    path: '/api/v1/reports/monthly',
    who: 'staff',
    summary: 'The monthly report as HTML or PDF (Lao or English).',
    query: MonthlyQuerySchema,
    responses: { '200': 'The report.', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: EXPORT_PATH,
    who: 'staff',
    summary: 'CSV of the feedback under the queue filters over a period.',
    query: QueueQuerySchema,
    responses: { '200': 'CSV (UTF-8 with BOM).', ...STAFF, ...ERRORS },
  },
  // Staff: alerts, catalog, users, audit, privacy
  {
    method: 'get',
    path: '/api/v1/alerts',
    who: 'staff',
    summary: 'Alerts raised by the rules.',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/rules',
    who: 'staff',
    summary: 'Alert rules.',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'post',
    path: '/api/v1/alerts/rules',
    who: 'staff',
    summary: 'A new alert rule.',
    body: RuleCreate,
    responses: { '201': 'The rule.', ...STAFF, ...ERRORS },
  },
  {
    method: 'patch',
    path: '/api/v1/alerts/rules/:id',
    who: 'staff',
    summary: 'Change an alert rule.',
    body: RulePatch,
    responses: { '200': 'The rule.', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/catalog',
    who: 'staff',
    summary: 'Active centers, services and topics.',
    responses: { '200': '`{ centers, services, topics }`', ...STAFF },
  },
  ...(
    [
      ['centers', CenterCreate, CenterPatch],
      ['services', ServiceCreate, ServicePatch],
      ['topics', TopicCreate, TopicPatch],
    ] as const
  ).flatMap(([kind, create, patch]): Operation[] => [
    {
      method: 'post',
      path: `/api/v1/catalog/${kind}`,
      who: 'staff',
      summary: `Add to the catalog's ${kind} (admins; audited).`,
      body: create,
      responses: { '201': 'The entry.', ...STAFF, ...ERRORS, '409': 'The code exists.' },
    },
    {
      method: 'patch',
      path: `/api/v1/catalog/${kind}/:code`,
      who: 'staff',
      summary: `Change one of the catalog's ${kind} (admins; audited).`,
      body: patch,
      responses: { '200': 'The entry.', ...STAFF, ...ERRORS, '404': 'No such code.' },
    },
  ]),
  {
    method: 'get',
    path: '/api/v1/users',
    who: 'staff',
    summary: 'Staff accounts (admins).',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'post',
    path: '/api/v1/users',
    who: 'staff',
    summary: 'A new staff account (admins).',
    body: NewUserSchema,
    responses: { '201': 'The account.', ...STAFF, ...ERRORS },
  },
  {
    method: 'patch',
    path: '/api/v1/users/:id',
    who: 'staff',
    summary: 'Change a staff account (admins).',
    body: UserPatchSchema,
    responses: { '200': 'The account.', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    who: 'staff',
    summary: 'The audit trail (admins).',
    query: AuditQuerySchema,
    responses: { '200': '`{ items, nextCursor }`', ...STAFF, ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v1/kiosks',
    who: 'staff',
    summary: 'Kiosk devices and their last heartbeat.',
    responses: { '200': '`{ items }`', ...STAFF },
  },
  {
    method: 'post',
    path: `${PRIVACY_PATH}/erasures`,
    who: 'staff',
    summary: "Erase a citizen's personal data by tracking code or number (admins; audited).",
    body: ErasureSchema,
    responses: { '200': '`{ erased }`', ...STAFF, ...ERRORS },
  },
];

const SECURITY: Partial<Record<Who, Record<string, string[]>[]>> = {
  staff: [{ staffSession: [], csrf: [] }],
  kiosk: [{ deviceToken: [] }],
};

/** A zod schema as JSON Schema 2020-12 (the request side; what JSON cannot say is left open). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = op.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: Record<string, unknown>[] = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (op.query) {
      const q = jsonSchema(op.query) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, schema] of Object.entries(q.properties ?? {}))
        params.push({ name, in: 'query', required: !!q.required?.includes(name), schema });
    }
    paths[path] ??= {};
    paths[path][op.method] = {
      summary: op.summary,
      tags: [op.who],
      ...(params.length ? { parameters: params } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body) } },
            },
          }
        : op.bodyType
          ? { requestBody: { required: true, content: { [op.bodyType]: {} } } }
          : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([code, description]) => [code, { description }]),
      ),
      ...(SECURITY[op.who] ? { security: SECURITY[op.who] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ODSC feedback platform API',
      version,
      description:
        'Citizen feedback on the One-Door Service Centers of Lao PDR: the public, kiosk, provider and staff API. Request bodies and queries are generated from the zod schemas that validate them.',
    },
    paths,
    components: {
      securitySchemes: {
        staffSession: { type: 'apiKey', in: 'cookie', name: 'odsc.sid' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        deviceToken: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}

/** The platform's version, from the package.json above this file (source or dist/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export function openApiRoutes(): Router {
  const r = Router();
  let doc: string | null = null;
  r.get(OPENAPI_PATH, (_req, res) => {
    doc ??= JSON.stringify(openApiDocument(packageVersion()));
    res.type('application/json').send(doc);
  });
  return r;
}
