/**
 * docker-compose.yml cannot run here (no Docker engine), so its wiring is checked as data: the
 * services exist, point at each other, persist their data and start in the right order.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const svc = (name: string) => compose.services[name];

test('has MongoDB 7, Redis 7, api, worker, a one-shot seed and the optional Telegram poller', () => {
  expect(Object.keys(compose.services).sort()).toEqual([
    'api',
    'mongo',
    'redis',
    'seed',
    'telegram-bot',
    'worker',
  ]);
  // The webhook in `api` serves Telegram by default; the poller runs only when asked for.
  expect(svc('telegram-bot').profiles).toEqual(['polling']);
  expect(svc('telegram-bot').command).toEqual(['node', 'dist/services/telegram/main.js']);
  expect(svc('mongo').image).toMatch(/^mongo:7/);
  expect(svc('redis').image).toMatch(/^redis:7/);
});

test('Redis keeps an append-only file and never evicts queue keys', () => {
  const cmd: string[] = svc('redis').command;
  expect(cmd[cmd.indexOf('--appendonly') + 1]).toBe('yes');
  expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  expect(svc('redis').volumes.join()).toMatch(/:\/data$/);
  expect(svc('mongo').volumes.join()).toMatch(/:\/data\/db$/);
});

test('api and worker run the built entry points against the compose servers', () => {
  expect(svc('api').command).toEqual(['node', 'dist/services/api/main.js']);
  expect(svc('worker').command).toEqual(['node', 'dist/workers/main.js']);
  for (const name of ['api', 'worker', 'seed']) {
    const env = svc(name).environment;
    expect(env.MONGO_URL).toBe('mongodb://mongo:27017/odsc');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.NODE_ENV).toBe('production');
    // Required, never defaulted: production refuses to start without a real key.
    expect(env.PII_KEY).toMatch(/^\$\{PII_KEY:\?/);
    expect(env.STAFF_SESSION_SECRET).toMatch(/^\$\{STAFF_SESSION_SECRET:\?/);
  }
  expect(svc('api').ports).toContain('3000:3000');
});

test('start order: stores healthy, catalog seeded, then api and worker', () => {
  for (const name of ['api', 'worker']) {
    const deps = svc(name).depends_on;
    expect(deps.mongo.condition).toBe('service_healthy');
    expect(deps.redis.condition).toBe('service_healthy');
    expect(deps.seed.condition).toBe('service_completed_successfully');
  }
  expect(svc('mongo').healthcheck).toBeDefined();
  expect(svc('redis').healthcheck).toBeDefined();
});

test('the Dockerfile builds the entry points compose runs', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/FROM node:20/);
  expect(dockerfile).toMatch(/tsc -p tsconfig\.build\.json/);
  expect(dockerfile).toMatch(/USER node/);
  for (const entry of [
    'services/api/main.ts',
    'workers/main.ts',
    'scripts/seed.ts',
    'services/telegram/main.ts',
  ]) {
    expect(() => readFileSync(path.join(root, entry))).not.toThrow();
  }
});
