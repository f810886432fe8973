/** .env.example documents every variable shared/config.ts reads. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

test('every environment variable in shared/config.ts has a line in .env.example', () => {
  const root = path.resolve(__dirname, '../..');
  const config = readFileSync(path.join(root, 'shared/config.ts'), 'utf8');
  const start = config.indexOf('const envSchema');
  const schema = config.slice(start, config.indexOf('});\n', start));
  const vars = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  expect(vars.length).toBeGreaterThan(25);
  const example = readFileSync(path.join(root, '.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
  expect(vars.filter((v) => !documented.has(v))).toEqual([]);
});
