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

test('has the proxy, MongoDB 7, Redis 7, api, worker, a one-shot seed and the optional Telegram poller', () => {
  expect(Object.keys(compose.services).sort()).toEqual([
    'api',
    'mongo',
    'proxy',
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
  expect(svc('mongo').volumes).toContain('mongo-data:/data/db');
});

test('api and worker run the built entry points against the compose servers', () => {
  expect(svc('api').command).toEqual(['node', 'dist/services/api/main.js']);
  expect(svc('worker').command).toEqual(['node', 'dist/workers/main.js']);
  for (const name of ['api', 'worker', 'seed']) {
    const env = svc(name).environment;
    // Authenticated: the app's own MongoDB user, Redis's password; compose refuses to start without.
    expect(env.MONGO_URL).toMatch(
      /^mongodb:\/\/odsc:\$\{MONGO_APP_PASSWORD:\?[^}]+\}@mongo:27017\/odsc\?authSource=odsc$/,
    );
    expect(env.REDIS_URL).toMatch(/^redis:\/\/default:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379$/);
    expect(env.NODE_ENV).toBe('production');
    // Required, never defaulted: production refuses to start without a real key.
    expect(env.PII_KEY).toMatch(/^\$\{PII_KEY:\?/);
    expect(env.STAFF_SESSION_SECRET).toMatch(/^\$\{STAFF_SESSION_SECRET:\?/);
  }
  // Only the proxy is published; the api is reached through it.
  expect(svc('api').ports).toBeUndefined();
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
  // A supported Node LTS in both stages (Node 20 is past end of life).
  expect(
    dockerfile.match(/^FROM node:24-bookworm-slim@sha256:[0-9a-f]{64}( AS build)?$/gm),
  ).toHaveLength(2);
  expect(dockerfile).not.toMatch(/FROM node:20/);
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

test('every app container gets .env (every documented variable); compose names what it sets itself', () => {
  const documented = [
    ...readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm),
  ].map((m) => m[1]);
  expect(documented.length).toBeGreaterThan(40);
  const setByCompose = ['NODE_ENV', 'MONGO_URL', 'REDIS_URL'];
  for (const name of ['api', 'worker', 'seed', 'telegram-bot']) {
    expect(svc(name).env_file).toEqual([{ path: '.env', required: false }]);
    const env = svc(name).environment;
    // Whatever compose itself sets is a documented variable, so .env.example can say it is overridden.
    for (const key of Object.keys(env)) expect(documented).toContain(key);
    for (const key of setByCompose) expect(env[key]).not.toMatch(/^\$\{/);
  }
  expect(svc('api').environment.PORT).toBe('3000');
  const example = readFileSync(path.join(root, '.env.example'), 'utf8');
  for (const key of [...setByCompose, 'PORT'])
    expect(example.split('\n', 8).join('\n')).toContain(key);
  // The other app-env entries only pass a value through (with compose's default): none is fixed.
  for (const [key, value] of Object.entries(svc('worker').environment as Record<string, string>)) {
    if (!setByCompose.includes(key)) expect(value).toMatch(new RegExp(`^\\$\\{${key}[:}]`));
  }
});

test('only the TLS proxy is published; MongoDB and Redis sit on an internal network', () => {
  const published = Object.entries(compose.services as Record<string, { ports?: string[] }>)
    .filter(([, v]) => v.ports?.length)
    .map(([k]) => k);
  expect(published).toEqual(['proxy']);
  expect(svc('proxy').ports).toEqual(['80:80', '443:443', '443:443/udp']);
  expect(compose.networks.backend.internal).toBe(true);
  for (const name of ['mongo', 'redis']) expect(svc(name).networks).toEqual(['backend']);
  expect(svc('api').networks).toEqual(['edge', 'backend']);
  expect(svc('worker').networks).toEqual(['backend', 'egress']);
  // The api believes forwarded headers from the proxy's fixed address only.
  const proxyIp = svc('proxy').networks.edge.ipv4_address;
  expect(proxyIp).toBe('172.28.0.2');
  expect(svc('api').environment.TRUST_PROXY).toBe(`\${TRUST_PROXY:-${proxyIp}}`);
  expect(compose.networks.edge.ipam.config[0].subnet).toBe('172.28.0.0/24');
});

test('MongoDB requires authentication and Redis a password, both required from .env', () => {
  const mongo = svc('mongo').environment;
  expect(mongo.MONGO_INITDB_ROOT_USERNAME).toBe('root');
  expect(mongo.MONGO_INITDB_ROOT_PASSWORD).toMatch(/^\$\{MONGO_ROOT_PASSWORD:\?/);
  expect(mongo.MONGO_APP_PASSWORD).toMatch(/^\$\{MONGO_APP_PASSWORD:\?/);
  expect(svc('mongo').volumes).toContain(
    './deploy/mongo/init-app-user.js:/docker-entrypoint-initdb.d/10-app-user.js:ro',
  );
  const init = readFileSync(path.join(root, 'deploy/mongo/init-app-user.js'), 'utf8');
  expect(init).toContain('process.env.MONGO_APP_PASSWORD');
  expect(init).toMatch(/role: 'readWrite', db: 'odsc'/);
  expect(init).not.toMatch(/role: '(root|clusterAdmin|userAdminAnyDatabase|dbOwner)'/);
  const cmd: string[] = svc('redis').command;
  expect(cmd[cmd.indexOf('--requirepass') + 1]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
  expect(svc('redis').environment.REDISCLI_AUTH).toMatch(/^\$\{REDIS_PASSWORD:\?/);
});

test('the proxy terminates TLS for SITE_ADDRESS with HSTS and never forwards /metrics', () => {
  expect(svc('proxy').image).toMatch(/^caddy:2\.\d+/);
  expect(svc('proxy').volumes).toContain('./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro');
  expect(svc('proxy').depends_on.api.condition).toBe('service_healthy');
  const caddy = readFileSync(path.join(root, 'deploy/caddy/Caddyfile'), 'utf8');
  expect(caddy).toMatch(/^\{\$SITE_ADDRESS:localhost\} \{$/m);
  expect(caddy).toMatch(/Strict-Transport-Security "max-age=31536000; includeSubDomains"/);
  expect(caddy).toMatch(/@internal path \/metrics \/metrics\/\*\s+respond @internal 404/);
  expect(caddy).toMatch(/dynamic a api 3000/);
});

test('images name a release line (never latest or a bare major) pinned by digest, and the pin script covers them all', () => {
  const images = Object.values(compose.services as Record<string, { image?: string }>)
    .map((v) => v.image)
    .filter((i): i is string => Boolean(i));
  expect(images.sort()).toEqual([
    expect.stringMatching(/^caddy:2\.\d+-alpine@sha256:[0-9a-f]{64}$/),
    expect.stringMatching(/^mongo:7\.0@sha256:[0-9a-f]{64}$/),
    expect.stringMatching(/^redis:7\.4-bookworm@sha256:[0-9a-f]{64}$/),
  ]);
  const script = readFileSync(path.join(root, 'deploy/pin-images.sh'), 'utf8');
  expect(script).toContain('docker buildx imagetools inspect');
  expect(script).toMatch(/pin_file docker-compose\.yml/);
  expect(script).toMatch(/pin_file Dockerfile/);
});
