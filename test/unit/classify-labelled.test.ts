/**
 * The labelled sets (test/fixtures/classify-labelled.jsonl and classify-labelled-2.jsonl) that the
 * learned classifier trains and is scored on: every line well formed, every code from the catalog,
 * no message twice (nor copied from classify-dev.jsonl or the other set), and enough examples of
 * every service, topic and kind. See docs/labelling.md for what the labels mean.
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

/** The messages of `set` whose text repeats one of its own or of the `earlier` files (id: text). */
function repeats(set: Line[], earlier: string[]): string[] {
  const before = new Set(earlier.flatMap((f) => readSet(f)).map((m) => normalise(m.text)));
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const m of set) {
    const key = normalise(m.text);
    if (seen.has(key) || before.has(key)) dup.push(`${m.id}: ${m.text}`);
    seen.add(key);
  }
  return dup;
}

const centers = new Set(raw.centers.map((c) => c.code));
const services = new Set(raw.services.map((s) => s.code));
const topics = raw.topics.map((t) => t.code);
const kinds = raw.kinds;

const readSet = (name: string): Line[] =>
  readLines(name).map(({ text, lineNo }) => {
    try {
      return JSON.parse(text) as Line;
    } catch {
      throw new Error(`${name} line ${lineNo} is not JSON: ${text.slice(0, 80)}`);
    }
  });
const parsed = readSet('classify-labelled.jsonl');

/** Ids of lines that lack a field, have another, or a field of the wrong type. */
const malformed = (set: Line[], id: RegExp) =>
  set
    .filter(
      (m) =>
        Object.keys(m).sort().join(',') !== 'center,id,kind,service,text,topics' ||
        !id.test(m.id) ||
        typeof m.text !== 'string' ||
        !m.text.trim() ||
        !(m.center === null || typeof m.center === 'string') ||
        !(m.service === null || typeof m.service === 'string') ||
        !Array.isArray(m.topics) ||
        typeof m.kind !== 'string',
    )
    .map((m) => m.id);

/** Every code of a line that the catalog does not have, or a topic given twice. */
const unknownCodes = (set: Line[]) => {
  const unknown: string[] = [];
  for (const m of set) {
    if (m.center !== null && !centers.has(m.center)) unknown.push(`${m.id} center ${m.center}`);
    if (m.service !== null && !services.has(m.service))
      unknown.push(`${m.id} service ${m.service}`);
    for (const t of m.topics) if (!topics.includes(t)) unknown.push(`${m.id} topic ${t}`);
    if (new Set(m.topics).size !== m.topics.length) unknown.push(`${m.id} topic twice`);
    if (!kinds.includes(m.kind)) unknown.push(`${m.id} kind ${m.kind}`);
  }
  return unknown;
};

const count = (values: (string | null)[]) => {
  const n = new Map<string, number>();
  for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1);
  return n;
};

/** Services, topics and kinds with fewer examples than asked. */
const thinClasses = (set: Line[], min: { service: number; topic: number; kind: number }) => {
  const perService = count(set.map((m) => m.service));
  const perTopic = count(set.flatMap((m) => m.topics));
  const perKind = count(set.map((m) => m.kind));
  return [
    ...[...services]
      .filter((s) => (perService.get(s) ?? 0) < min.service)
      .map((s) => `service ${s}`),
    ...topics.filter((t) => (perTopic.get(t) ?? 0) < min.topic).map((t) => `topic ${t}`),
    ...kinds.filter((k) => (perKind.get(k) ?? 0) < min.kind).map((k) => `kind ${k}`),
  ];
};

/** Shares of: no center named, Lao script only, Latin script only; and the count with Lao digits. */
const mix = (set: Line[]) => ({
  noCenter: set.filter((m) => m.center === null).length / set.length,
  laoOnly:
    set.filter((m) => /[\u0E80-\u0EFF]/u.test(m.text) && !/[a-z]/iu.test(m.text)).length /
    set.length,
  latinOnly: set.filter((m) => !/[\u0E80-\u0EFF]/u.test(m.text)).length / set.length,
  laoDigits: set.filter((m) => /[\u0ED0-\u0ED9]/u.test(m.text)).length,
});

test('it holds at least 1,000 messages', () => {
  expect(parsed.length).toBeGreaterThanOrEqual(1000);
});

test('every line has exactly the fields id, text, center, service, topics, kind, well typed', () => {
  expect(malformed(parsed, /^l\d{4,}$/)).toEqual([]);
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
  expect(unknownCodes(parsed)).toEqual([]);
});

test('every service has at least 25 messages, every topic at least 30, every kind some', () => {
  expect(thinClasses(parsed, { service: 25, topic: 30, kind: 10 })).toEqual([]);
  expect(services.size).toBe(17);
  expect(topics.length).toBe(9);
  expect(kinds.length).toBe(5);
});

test('messages that name no center, and the three scripts, are all well represented', () => {
  const m = mix(parsed);
  expect(m.noCenter).toBeGreaterThanOrEqual(0.3);
  expect(m.laoOnly).toBeGreaterThanOrEqual(0.45);
  expect(m.latinOnly).toBeGreaterThanOrEqual(0.25);
  expect(m.laoDigits).toBeGreaterThanOrEqual(20);
});

describe('the second set, classify-labelled-2.jsonl (written in other voices)', () => {
  const second = readSet('classify-labelled-2.jsonl');

  test('it holds at least 900 messages, well formed, with unique ids m0001, m0002, …', () => {
    expect(second.length).toBeGreaterThanOrEqual(900);
    expect(malformed(second, /^m\d{4,}$/)).toEqual([]);
    expect(new Set(second.map((m) => m.id)).size).toBe(second.length);
  });

  test('no text repeats one of its own, of classify-labelled.jsonl or of classify-dev.jsonl', () => {
    const earlier = new Set(
      [...parsed.map((m) => m.text), ...readSet('classify-dev.jsonl').map((m) => m.text)].map(
        normalise,
      ),
    );
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const m of second) {
      const key = normalise(m.text);
      if (seen.has(key) || earlier.has(key)) dup.push(`${m.id}: ${m.text}`);
      seen.add(key);
    }
    expect(dup).toEqual([]);
  });

  test('every code is one the catalog has', () => {
    expect(unknownCodes(second)).toEqual([]);
  });

  test('every service and every topic has at least 40 messages, every kind at least 80', () => {
    expect(thinClasses(second, { service: 40, topic: 40, kind: 80 })).toEqual([]);
  });

  test('most name no center; Lao script is the majority, Latin script a quarter', () => {
    const m = mix(second);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.6);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.5);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.25);
    expect(m.laoDigits).toBeGreaterThanOrEqual(50);
  });
});

describe('the third set, classify-labelled-3.jsonl (kinds, everyday service words, topic "other")', () => {
  const third = readSet('classify-labelled-3.jsonl');

  test('well formed, with unique ids n0001, n0002, …, and codes from the catalog', () => {
    expect(third.length).toBeGreaterThanOrEqual(100);
    expect(malformed(third, /^n\d{4,}$/)).toEqual([]);
    expect(new Set(third.map((m) => m.id)).size).toBe(third.length);
    expect(unknownCodes(third)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(third, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every kind at least 12 times; most name no center', () => {
    expect(thinClasses(third, { service: 0, topic: 0, kind: 12 })).toEqual([]);
    expect(mix(third).noCenter).toBeGreaterThanOrEqual(0.6);
  });
});

describe('the fourth set, classify-labelled-4.jsonl (two new writers, p… and q…)', () => {
  const fourth = readSet('classify-labelled-4.jsonl');

  test('well formed, with unique ids p0001… then q0001…, and codes from the catalog', () => {
    expect(fourth.length).toBeGreaterThanOrEqual(600);
    expect(malformed(fourth, /^[pq]\d{4,}$/)).toEqual([]);
    expect(new Set(fourth.map((m) => m.id)).size).toBe(fourth.length);
    expect(unknownCodes(fourth)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(fourth, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
        'classify-labelled-3.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every service at least 20 times, every topic 50, every kind 60; most name no center', () => {
    expect(thinClasses(fourth, { service: 20, topic: 50, kind: 60 })).toEqual([]);
    const m = mix(fourth);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.6);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.45);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.25);
  });
});

describe('the fifth set, classify-labelled-5.jsonl (two more new writers, r… and s…)', () => {
  const fifth = readSet('classify-labelled-5.jsonl');

  test('well formed, with unique ids r0001… then s0001…, and codes from the catalog', () => {
    expect(fifth.length).toBeGreaterThanOrEqual(580);
    expect(malformed(fifth, /^[rs]\d{4,}$/)).toEqual([]);
    expect(new Set(fifth.map((m) => m.id)).size).toBe(fifth.length);
    expect(unknownCodes(fifth)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(fifth, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
        'classify-labelled-3.jsonl',
        'classify-labelled-4.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every service at least 10 times, every topic and every kind 30; a third name no center', () => {
    expect(thinClasses(fifth, { service: 10, topic: 30, kind: 30 })).toEqual([]);
    const m = mix(fifth);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.3);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.6);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.25);
  });
});

describe('the sixth set, classify-labelled-6.jsonl (two more new writers, t… and u…)', () => {
  const sixth = readSet('classify-labelled-6.jsonl');

  test('well formed, with unique ids t0001… then u0001…, and codes from the catalog', () => {
    expect(sixth.length).toBeGreaterThanOrEqual(580);
    expect(malformed(sixth, /^[tu]\d{4,}$/)).toEqual([]);
    expect(new Set(sixth.map((m) => m.id)).size).toBe(sixth.length);
    expect(unknownCodes(sixth)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(sixth, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
        'classify-labelled-3.jsonl',
        'classify-labelled-4.jsonl',
        'classify-labelled-5.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every service at least 15 times, every topic 40 and every kind 50; a third name no center', () => {
    expect(thinClasses(sixth, { service: 15, topic: 40, kind: 50 })).toEqual([]);
    const m = mix(sixth);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.3);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.6);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.3);
  });
});

describe('the seventh set, classify-labelled-7.jsonl (two more new writers, v… and w…)', () => {
  const seventh = readSet('classify-labelled-7.jsonl');

  test('well formed, with unique ids v0001… then w0001…, and codes from the catalog', () => {
    expect(seventh.length).toBeGreaterThanOrEqual(580);
    expect(malformed(seventh, /^[vw]\d{4,}$/)).toEqual([]);
    expect(new Set(seventh.map((m) => m.id)).size).toBe(seventh.length);
    expect(unknownCodes(seventh)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(seventh, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
        'classify-labelled-3.jsonl',
        'classify-labelled-4.jsonl',
        'classify-labelled-5.jsonl',
        'classify-labelled-6.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every service at least 15 times, every topic 40 and every kind 50; a third name no center', () => {
    expect(thinClasses(seventh, { service: 15, topic: 40, kind: 50 })).toEqual([]);
    const m = mix(seventh);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.3);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.55);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.3);
  });
});

describe('the eighth set, classify-labelled-8.jsonl (two more new writers, x… and y…)', () => {
  const eighth = readSet('classify-labelled-8.jsonl');

  test('well formed, with unique ids x0001… then y0001…, and codes from the catalog', () => {
    expect(eighth.length).toBeGreaterThanOrEqual(580);
    expect(malformed(eighth, /^[xy]\d{4,}$/)).toEqual([]);
    expect(new Set(eighth.map((m) => m.id)).size).toBe(eighth.length);
    expect(unknownCodes(eighth)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    expect(
      repeats(eighth, [
        'classify-dev.jsonl',
        'classify-labelled.jsonl',
        'classify-labelled-2.jsonl',
        'classify-labelled-3.jsonl',
        'classify-labelled-4.jsonl',
        'classify-labelled-5.jsonl',
        'classify-labelled-6.jsonl',
        'classify-labelled-7.jsonl',
      ]),
    ).toEqual([]);
  });

  test('every service at least 15 times, every topic 40 and every kind 50; a third name no center', () => {
    expect(thinClasses(eighth, { service: 15, topic: 40, kind: 50 })).toEqual([]);
    const m = mix(eighth);
    expect(m.noCenter).toBeGreaterThanOrEqual(0.3);
    expect(m.laoOnly).toBeGreaterThanOrEqual(0.55);
    expect(m.latinOnly).toBeGreaterThanOrEqual(0.3);
  });
});
