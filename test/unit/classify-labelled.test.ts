/**
 * The labelled set (test/fixtures/classify-labelled.jsonl) that the learned classifier trains and is
 * scored on: every line well formed, every code from the catalog, no message twice (nor copied
 * from classify-dev.jsonl), and enough examples of every service, topic and kind. See
 * docs/labelling.md for what the labels mean.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import raw from '../../shared/catalog/odsc-catalog.json';

interface Line {
  id: string;
  text: string;
  center: string | null;
  service: string | null;
  topics: string[];
  kind: string;
}

const fixtures = path.resolve(__dirname, '../fixtures');
const readLines = (name: string) =>
  readFileSync(path.join(fixtures, name), 'utf8')
    .split('\n')
    .map((text, i) => ({ text, lineNo: i + 1 }))
    .filter((l) => l.text.trim());

/** The same message typed again with other spacing or capitals is still the same message. */
const normalise = (t: string) => t.normalize('NFC').trim().toLowerCase().replace(/\s+/gu, ' ');

const centers = new Set(raw.centers.map((c) => c.code));
const services = new Set(raw.services.map((s) => s.code));
const topics = raw.topics.map((t) => t.code);
const kinds = raw.kinds;

const lines = readLines('classify-labelled.jsonl');
const parsed: Line[] = lines.map(({ text, lineNo }) => {
  try {
    return JSON.parse(text) as Line;
  } catch {
    throw new Error(`classify-labelled.jsonl line ${lineNo} is not JSON: ${text.slice(0, 80)}`);
  }
});

test('it holds at least 1,000 messages', () => {
  expect(parsed.length).toBeGreaterThanOrEqual(1000);
});

test('every line has exactly the fields id, text, center, service, topics, kind, well typed', () => {
  const bad = parsed.filter(
    (m) =>
      Object.keys(m).sort().join(',') !== 'center,id,kind,service,text,topics' ||
      !/^l\d{4,}$/.test(m.id) ||
      typeof m.text !== 'string' ||
      !m.text.trim() ||
      !(m.center === null || typeof m.center === 'string') ||
      !(m.service === null || typeof m.service === 'string') ||
      !Array.isArray(m.topics) ||
      typeof m.kind !== 'string',
  );
  expect(bad.map((m) => m.id)).toEqual([]);
});

test('ids are unique', () => {
  const seen = new Set<string>();
  const dup = parsed.filter((m) => (seen.has(m.id) ? true : (seen.add(m.id), false)));
  expect(dup.map((m) => m.id)).toEqual([]);
});

test('texts are unique after normalisation, and none is copied from classify-dev.jsonl', () => {
  const dev = new Set(
    readLines('classify-dev.jsonl').map((l) => normalise((JSON.parse(l.text) as Line).text)),
  );
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const m of parsed) {
    const key = normalise(m.text);
    if (seen.has(key) || dev.has(key)) dup.push(`${m.id}: ${m.text}`);
    seen.add(key);
  }
  expect(dup).toEqual([]);
});

test('every code is one the catalog has', () => {
  const unknown: string[] = [];
  for (const m of parsed) {
    if (m.center !== null && !centers.has(m.center)) unknown.push(`${m.id} center ${m.center}`);
    if (m.service !== null && !services.has(m.service))
      unknown.push(`${m.id} service ${m.service}`);
    for (const t of m.topics) if (!topics.includes(t)) unknown.push(`${m.id} topic ${t}`);
    if (new Set(m.topics).size !== m.topics.length) unknown.push(`${m.id} topic twice`);
    if (!kinds.includes(m.kind)) unknown.push(`${m.id} kind ${m.kind}`);
  }
  expect(unknown).toEqual([]);
});

test('every service has at least 25 messages, every topic at least 30, every kind some', () => {
  const count = (values: (string | null)[]) => {
    const n = new Map<string, number>();
    for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1);
    return n;
  };
  const perService = count(parsed.map((m) => m.service));
  const perTopic = count(parsed.flatMap((m) => m.topics));
  const perKind = count(parsed.map((m) => m.kind));
  const thin = [
    ...[...services].filter((s) => (perService.get(s) ?? 0) < 25).map((s) => `service ${s}`),
    ...topics.filter((t) => (perTopic.get(t) ?? 0) < 30).map((t) => `topic ${t}`),
    ...kinds.filter((k) => (perKind.get(k) ?? 0) < 10).map((k) => `kind ${k}`),
  ];
  expect(thin).toEqual([]);
  expect(services.size).toBe(17);
  expect(topics.length).toBe(9);
  expect(kinds.length).toBe(5);
});

test('messages that name no center, and the three scripts, are all well represented', () => {
  const noCenter = parsed.filter((m) => m.center === null).length;
  const laoOnly = parsed.filter((m) => /[\u0E80-\u0EFF]/u.test(m.text) && !/[a-z]/iu.test(m.text));
  const latinOnly = parsed.filter((m) => !/[\u0E80-\u0EFF]/u.test(m.text));
  const laoDigits = parsed.filter((m) => /[\u0ED0-\u0ED9]/u.test(m.text));
  expect(noCenter / parsed.length).toBeGreaterThanOrEqual(0.3);
  expect(laoOnly.length / parsed.length).toBeGreaterThanOrEqual(0.45);
  expect(latinOnly.length / parsed.length).toBeGreaterThanOrEqual(0.25);
  expect(laoDigits.length).toBeGreaterThanOrEqual(20);
});
