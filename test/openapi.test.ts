/**
 * `GET /api/v1/openapi.json` on the real api: an OpenAPI 3.1 document naming every route of the
 * contract (ARCHITECTURE.md), with path parameters declared, staff routes marked as needing the
 * session, and request bodies that are the JSON Schema of the very zod schemas the routes validate
 * with — so a field the schema adds or drops shows up in the document.
 */
import request from 'supertest';
import { z } from 'zod';
import { WebFeedbackSchema } from '../services/api/channels/web-feedback.schema';
import { BulkSchema } from '../services/api/staff/feedback.routes';
import { startTestPlatform, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform('openapi');
}, 60_000);
afterAll(() => p?.close());

interface Op {
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string }>;
  security?: unknown[];
}
type Doc = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Op>>;
};

const jsonBody = (op: Op) => op.requestBody?.content['application/json']?.schema;
const asJson = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  return rest;
};

test('the document is OpenAPI 3.1 and names every route of the contract', async () => {
  const res = await request(p.app).get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  expect(res.type).toBe('application/json');
  const doc = res.body as Doc;
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+$/);
  const has = (method: string, path: string) => expect(doc.paths[path]?.[method]).toBeDefined();
  has('post', '/api/v1/feedback');
  has('get', '/api/v1/status/{trackingCode}');
  has('post', '/webhooks/sms/twilio');
  has('post', '/webhooks/telegram');
  has('post', '/api/v1/kiosk/pair');
  has('post', '/api/v1/kiosk/responses');
  has('get', '/healthz');
  has('get', '/readyz');
  has('post', '/api/v1/auth/login');
  has('get', '/api/v1/feedback');
  has('get', '/api/v1/feedback/counts');
  has('get', '/api/v1/feedback/{trackingCode}');
  has('patch', '/api/v1/feedback/{trackingCode}');
  has('post', '/api/v1/feedback/{trackingCode}/notes');
  has('post', '/api/v1/feedback/{trackingCode}/replies');
  has('post', '/api/v1/feedback/bulk');
  has('get', '/api/v1/reports/summary');
  has('get', '/api/v1/reports/centers');
  has('get', '/api/v1/reports/monthly');
  has('get', '/api/v1/exports/feedback.csv');
  has('get', '/api/v1/catalog');
  has('post', '/api/v1/catalog/centers');
  has('patch', '/api/v1/catalog/services/{code}');
  has('get', '/api/v1/public/scoreboard');
  // Every operation answers something, and every {name} in a path is a declared parameter.
  for (const [path, ops] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const op of Object.values(ops)) {
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      const declared = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name);
      expect(declared).toEqual(names);
    }
  }
  // Staff routes need the session; citizens' do not.
  expect(doc.paths['/api/v1/feedback']!.get!.security).toEqual([{ staffSession: [], csrf: [] }]);
  expect(doc.paths['/api/v1/status/{trackingCode}']!.get!.security).toBeUndefined();
});

test('request bodies and queries are the zod schemas the routes validate with', async () => {
  const doc = (await request(p.app).get('/api/v1/openapi.json')).body as Doc;
  expect(jsonBody(doc.paths['/api/v1/feedback']!.post!)).toEqual(asJson(WebFeedbackSchema));
  expect(jsonBody(doc.paths['/api/v1/feedback/bulk']!.post!)).toEqual(asJson(BulkSchema));
  const web = jsonBody(doc.paths['/api/v1/feedback']!.post!) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  expect(Object.keys(web.properties)).toEqual(
    expect.arrayContaining(['centerCode', 'rating', 'text', 'contact', 'anonymous']),
  );
  expect(Object.keys(web.properties.contact!.properties!)).toEqual(['phone', 'consentToContact']);
  // The queue's filters are query parameters, as the route reads them.
  const queue = doc.paths['/api/v1/feedback']!.get!.parameters!.map((x) => `${x.in}:${x.name}`);
  expect(queue).toEqual(
    expect.arrayContaining(['query:center', 'query:status', 'query:held', 'query:cursor']),
  );
  // What the document says a body must not carry, the route refuses.
  expect(
    (jsonBody(doc.paths['/api/v1/feedback']!.post!) as { additionalProperties?: boolean })
      .additionalProperties,
  ).toBe(false);
  const extra = await request(p.app)
    .post('/api/v1/feedback')
    .send({ centerCode: 'LA-VT', rating: 4, colour: 'blue' });
  expect(extra.status).toBe(422);
});
