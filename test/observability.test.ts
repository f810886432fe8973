/**
 * Hardened HTTP surface and observability, on the real servers: security headers (CSP with
 * base-uri and form-action, Permissions-Policy, HSTS over HTTPS through the trusted proxy only),
 * the Origin check of the HTML form, the admins-only queue board, `/metrics` behind its token on
 * the public port and in full on the internal listener (queue depth and oldest waiting job, jobs by
 * outcome, rate-limit refusals), and the alert rules naming only metrics that exist.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import request from 'supertest';
import { parse } from 'yaml';
import { startInternalServer, type InternalServer } from '../shared/internal-server';
import { createLogger } from '../shared/logger';
import {
  observeWorker,
  rateLimitRefusals,
  registry,
  unwatchQueues,
  watchQueues,
} from '../shared/metrics';
import { makeUser, signIn } from './helpers/staff';
import { startTestPlatform, uniqueName, waitFor, type TestPlatform } from './helpers/platform';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';
let p: TestPlatform;
let internal: InternalServer;

beforeAll(async () => {
  p = await startTestPlatform('observe', {
    worker: true,
    env: { PUBLIC_BASE_URL: 'https://feedback.example.la', METRICS_TOKEN: TOKEN },
  });
  observeWorker(p.worker!);
  internal = await startInternalServer({
    host: '127.0.0.1',
    port: 0,
    log: createLogger('test', 'silent'),
  });
  await makeUser(p, 'admin@odsc.test', 'admin');
  await makeUser(p, 'taskforce@odsc.test', 'taskforce', []);
});
afterAll(async () => {
  await internal.close();
  await p.close();
});

const scrape = async () =>
  (await request(`http://127.0.0.1:${internal.port}`).get('/metrics').expect(200)).text;

test('every page carries CSP (base-uri, form-action, object-src), Permissions-Policy; HSTS only over HTTPS via the proxy', async () => {
  const r = await request(p.app).get('/feedback').expect(200);
  const csp = String(r.headers['content-security-policy']);
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(String(r.headers['permissions-policy'])).toMatch(/camera=\(\).*geolocation=\(\)/);
  // Plain HTTP outside production: no HSTS (a browser would ignore it anyway).
  expect(r.headers['strict-transport-security']).toBeUndefined();
  // HTTPS as told by the trusted proxy (loopback here): one year, subdomains included.
  const tls = await request(p.app).get('/feedback').set('X-Forwarded-Proto', 'https').expect(200);
  expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
});

test('the HTML form refuses a cross-site POST (403, nothing queued) and takes its own', async () => {
  const before = await p.queue.count();
  const form = { centerCode: 'LA-VT', rating: '4', idempotencyKey: 'origin-check-0001' };
  const foreign = await request(p.app)
    .post('/feedback')
    .type('form')
    .set('Origin', 'https://evil.example')
    .send(form)
    .expect(403);
  expect(foreign.body.error.code).toBe('CROSS_ORIGIN');
  await request(p.app).post('/feedback').type('form').set('Origin', 'null').send(form).expect(403);
  await request(p.app)
    .post('/feedback')
    .type('form')
    .set('Referer', 'https://evil.example/page')
    .send(form)
    .expect(403);
  expect(await p.queue.count()).toBe(before);
  const own = await request(p.app)
    .post('/feedback')
    .type('form')
    .set('Origin', 'https://feedback.example.la')
    .send(form);
  expect(own.status).toBe(200);
  expect(own.text).toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/);
});

test('the queue board: 401 without a session, 403 for another role, 200 for an admin; its actions need our Origin', async () => {
  await request(p.app).get('/admin/queues').expect(401);
  const tf = await signIn(p.app, 'taskforce@odsc.test');
  await tf.agent.get('/admin/queues').expect(403);
  await tf.agent.get('/admin/queues/api/queues').expect(403);
  const admin = await signIn(p.app, 'admin@odsc.test');
  const page = await admin.agent.get('/admin/queues').expect(200);
  expect(page.text).toContain('<base href="/admin/queues/"');
  expect(String(page.headers['content-security-policy'])).toContain("base-uri 'self'");
  const api = await admin.agent.get('/admin/queues/api/queues').expect(200);
  const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
  expect(names).toEqual(['feedback-intake', 'notify']);
  // A state-changing call without this site's Origin is refused before the board sees it.
  await admin.agent.put('/admin/queues/api/queues/feedback-intake/pause').expect(403);
  await admin.agent
    .put('/admin/queues/api/queues/feedback-intake/pause')
    .set('Origin', 'https://evil.example')
    .expect(403);
});

test('/metrics on the public port: through a proxy 404 without or with a wrong token, the exposition with it or to a direct local caller', async () => {
  const proxied = '203.0.113.50';
  await request(p.app).get('/metrics').set('X-Forwarded-For', proxied).expect(404);
  await request(p.app)
    .get('/metrics')
    .set('X-Forwarded-For', proxied)
    .set('Authorization', 'Bearer wrong')
    .expect(404);
  // A caller on this machine talking to the api directly (no X-Forwarded-For) reads it.
  const local = await request(p.app).get('/metrics').expect(200);
  expect(local.text).toContain('odsc_http_requests_total');
  await request(p.app)
    .post('/api/v1/feedback')
    .send({ centerCode: 'LA-VT', rating: 5 })
    .expect(202);
  const r = await request(p.app)
    .get('/metrics')
    .set('X-Forwarded-For', proxied)
    .set('Authorization', `Bearer ${TOKEN}`)
    .expect(200);
  expect(r.headers['content-type']).toMatch(/^text\/plain/);
  expect(r.text).toMatch(
    /^odsc_http_requests_total\{method="POST",route="\/api\/v1\/feedback",status="202"\} [1-9]/m,
  );
  expect(r.text).toMatch(
    /^odsc_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/v1\/feedback",status="202"\}/m,
  );
  // An unknown path is one label, whatever the path was.
  await request(p.app).get('/no/such/page/12345').expect(404);
  const again = await request(p.app)
    .get('/metrics')
    .set('Authorization', `Bearer ${TOKEN}`)
    .expect(200);
  expect(again.text).toContain('route="unmatched",status="404"');
  expect(again.text).not.toContain('12345');
});

test('the internal listener reports queue depth, the oldest waiting job, jobs by outcome and rate-limit refusals', async () => {
  // A queue nobody works on, with one job queued 120 s ago and one now.
  const name = uniqueName('depth');
  const q = new Queue(name, { connection: p.redis, prefix: p.config.queuePrefix });
  watchQueues(q);
  try {
    await q.add('old', { n: 1 }, { timestamp: Date.now() - 120_000 });
    await q.add('new', { n: 2 });
    const text = await scrape();
    expect(text).toMatch(
      new RegExp(`^odsc_queue_jobs\\{queue="${name}",state="waiting"\\} 2$`, 'm'),
    );
    const oldest = Number(
      new RegExp(`^odsc_queue_oldest_waiting_seconds\\{queue="${name}"\\} ([\\d.]+)$`, 'm').exec(
        text,
      )![1],
    );
    expect(oldest).toBeGreaterThanOrEqual(120);
    expect(oldest).toBeLessThan(3600);
  } finally {
    unwatchQueues(q);
    await q.obliterate({ force: true });
    await q.close();
  }
  // The intake worker's completed jobs.
  const res = await request(p.app)
    .post('/api/v1/feedback')
    .send({ centerCode: 'LA-VT', rating: 3 })
    .expect(202);
  await p.counted(res.body.trackingCode);
  const jobs = await waitFor(async () => {
    const m = /^odsc_jobs_total\{queue="feedback-intake",outcome="completed"\} (\d+)$/m.exec(
      await scrape(),
    );
    return m && Number(m[1]) >= 1 ? Number(m[1]) : null;
  }, 'completed intake jobs counted');
  expect(jobs).toBeGreaterThanOrEqual(1);
  // The counter the rate limiter increments, by scope.
  rateLimitRefusals.inc({ scope: 'web' });
  rateLimitRefusals.inc({ scope: 'web' });
  expect(await scrape()).toMatch(/^odsc_rate_limit_refusals_total\{scope="web"\} 2$/m);
  // Nothing else is served there.
  await request(`http://127.0.0.1:${internal.port}`).get('/dashboard').expect(404);
});

test('every alert rule is documented and names only metrics this platform exports', async () => {
  const root = path.resolve(__dirname, '..');
  const rules = parse(readFileSync(path.join(root, 'deploy/prometheus/alerts.yml'), 'utf8'));
  const known = new Set<string>(['up']);
  for (const m of await registry.getMetricsAsJSON()) {
    known.add(m.name);
    if (String(m.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) known.add(`${m.name}${s}`);
  }
  const ops = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
  const all = rules.groups.flatMap((g: { rules: unknown[] }) => g.rules) as {
    alert: string;
    expr: string;
    labels: { severity: string };
    annotations: { summary: string };
  }[];
  expect(all.length).toBeGreaterThanOrEqual(6);
  for (const r of all) {
    const used = [...r.expr.matchAll(/\b(odsc_[a-z0-9_]+|up)\b/g)].map((m) => m[1]!);
    expect({ alert: r.alert, used: used.length > 0 }).toEqual({ alert: r.alert, used: true });
    for (const name of used)
      expect({ alert: r.alert, name, exists: known.has(name) }).toEqual({
        alert: r.alert,
        name,
        exists: true,
      });
    expect(['page', 'ticket']).toContain(r.labels.severity);
    expect(r.annotations.summary.length).toBeGreaterThan(10);
    expect(ops).toContain(r.alert);
  }
});
