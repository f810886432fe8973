/**
 * The labelled sets (test/fixtures/classify-labelled.jsonl and classify-labelled-2.jsonl) that the
 * learned classifier trains and is scored on: every line well formed, every code from the catalog,
 * no message twice (nor copied from classify-dev.jsonl or the other set), and enough examples of
 * every service, topic and kind. See docs/labelling.md for what the labels mean.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import raw from '../../shared/catalog/odsc-catalog.json';
import { HELD_OUT_FILES, LABELLED_FILES } from '../../shared/classify/labelled-sets';

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

/**
 * Stricter: only letters, marks and digits count (Lao has no spaces between words, so a message
 * with a space or a comma more is the same message); a text of emoji or punctuation alone keeps
 * its characters.
 */
const lettersOnly = (t: string) => {
  const k = normalise(t).replace(/[^\p{L}\p{M}\p{N}]/gu, '');
  return k || normalise(t).replace(/\s/g, '');
};

/**
 * The messages of `set` whose text repeats one of its own or of the `earlier` files (id: text);
 * `strict`: compared by lettersOnly.
 */
function repeats(set: Line[], earlier: string[], strict = false): string[] {
  const key = strict ? lettersOnly : normalise;
  const before = new Set(earlier.flatMap((f) => readSet(f)).map((m) => key(m.text)));
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const m of set) {
    const k = key(m.text);
    if (seen.has(k) || before.has(k)) dup.push(`${m.id}: ${m.text}`);
    seen.add(k);
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

/**
 * The sets written by two new writers each (docs/labelling.md): the same checks for every one, with
 * its ids, its size, how often each class must appear and its mix of scripts and centers.
 */
const WRITER_SETS = [
  {
    name: 'the fourth set',
    file: 'classify-labelled-4.jsonl',
    writers: ['p', 'q'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 60 },
    mix: { noCenter: 0.6, laoOnly: 0.45, latinOnly: 0.25 },
  },
  {
    name: 'the fifth set',
    file: 'classify-labelled-5.jsonl',
    writers: ['r', 's'],
    min: 580,
    classes: { service: 10, topic: 30, kind: 30 },
    mix: { noCenter: 0.3, laoOnly: 0.6, latinOnly: 0.25 },
  },
  {
    name: 'the sixth set',
    file: 'classify-labelled-6.jsonl',
    writers: ['t', 'u'],
    min: 580,
    classes: { service: 15, topic: 40, kind: 50 },
    mix: { noCenter: 0.3, laoOnly: 0.6, latinOnly: 0.3 },
  },
  {
    name: 'the seventh set',
    file: 'classify-labelled-7.jsonl',
    writers: ['v', 'w'],
    min: 580,
    classes: { service: 15, topic: 40, kind: 50 },
    mix: { noCenter: 0.3, laoOnly: 0.55, latinOnly: 0.3 },
  },
  {
    name: 'the eighth set',
    file: 'classify-labelled-8.jsonl',
    writers: ['x', 'y'],
    min: 580,
    classes: { service: 15, topic: 40, kind: 50 },
    mix: { noCenter: 0.3, laoOnly: 0.55, latinOnly: 0.3 },
  },
  {
    name: 'the ninth set',
    file: 'classify-labelled-9.jsonl',
    writers: ['z', 'a'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.3, latinOnly: 0.6 },
  },
  {
    name: 'the tenth set',
    file: 'classify-labelled-10.jsonl',
    writers: ['b', 'c'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.3, latinOnly: 0.6 },
  },
  {
    name: 'the eleventh set',
    file: 'classify-labelled-11.jsonl',
    writers: ['e', 'f'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.4, latinOnly: 0.25 },
  },
  {
    name: 'the twelfth set',
    file: 'classify-labelled-12.jsonl',
    writers: ['g', 'h'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.15, latinOnly: 0.7 },
  },
  {
    name: 'the thirteenth set',
    file: 'classify-labelled-13.jsonl',
    writers: ['i', 'j'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.1, latinOnly: 0.8 },
  },
  {
    name: 'the fourteenth set',
    file: 'classify-labelled-14.jsonl',
    writers: ['k', 'o'],
    min: 590,
    classes: { service: 20, topic: 50, kind: 40 },
    mix: { noCenter: 0.3, laoOnly: 0.4, latinOnly: 0.5 },
  },
  {
    name: 'the fifteenth set',
    file: 'classify-labelled-15.jsonl',
    writers: ['A', 'B'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 60 },
    mix: { noCenter: 0.5, laoOnly: 0.45, latinOnly: 0.45 },
  },
  {
    name: 'the sixteenth set',
    file: 'classify-labelled-16.jsonl',
    writers: ['C', 'D'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 70 },
    mix: { noCenter: 0.5, laoOnly: 0.6, latinOnly: 0.2 },
  },
  {
    name: 'the seventeenth set',
    file: 'classify-labelled-17.jsonl',
    writers: ['E', 'F'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 55 },
    mix: { noCenter: 0.6, laoOnly: 0.45, latinOnly: 0.45 },
  },
  {
    name: 'the eighteenth set',
    file: 'classify-labelled-18.jsonl',
    writers: ['G', 'H'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 50 },
    mix: { noCenter: 0.7, laoOnly: 0.7, latinOnly: 0.2 },
  },
  {
    name: 'the nineteenth set',
    file: 'classify-labelled-19.jsonl',
    writers: ['I', 'J'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 55 },
    mix: { noCenter: 0.6, laoOnly: 0.45, latinOnly: 0.45 },
  },
  {
    name: 'the twentieth set',
    file: 'classify-labelled-20.jsonl',
    writers: ['K', 'L'],
    min: 600,
    classes: { service: 20, topic: 50, kind: 65 },
    mix: { noCenter: 0.55, laoOnly: 0.45, latinOnly: 0.45 },
  },
  {
    name: 'the twenty-first set',
    file: 'classify-labelled-21.jsonl',
    writers: ['M', 'N'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.45, laoOnly: 0.4, latinOnly: 0.35 },
  },
  {
    name: 'the twenty-second set',
    file: 'classify-labelled-22.jsonl',
    writers: ['O', 'P'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.5, laoOnly: 0.45, latinOnly: 0.45 },
  },
  {
    name: 'the twenty-third set',
    file: 'classify-labelled-23.jsonl',
    writers: ['Q', 'R'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 50 },
    mix: { noCenter: 0.45, laoOnly: 0.2, latinOnly: 0.25 },
  },
  {
    name: 'the twenty-fourth set',
    file: 'classify-labelled-24.jsonl',
    writers: ['S', 'T'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.45, laoOnly: 0, latinOnly: 0.85 },
  },
  {
    name: 'the twenty-fifth set',
    file: 'classify-labelled-25.jsonl',
    writers: ['U', 'V'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.45, laoOnly: 0, latinOnly: 0.9 },
  },
  {
    name: 'the twenty-sixth set',
    file: 'classify-labelled-26.jsonl',
    writers: ['W', 'X'],
    min: 590,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.45, laoOnly: 0, latinOnly: 0.85 },
  },
  {
    name: 'the twenty-seventh set',
    file: 'classify-labelled-27.jsonl',
    writers: ['Y', 'Z'],
    min: 600,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.5, laoOnly: 0.35, latinOnly: 0.45 },
  },
  {
    name: 'the twenty-eighth set',
    file: 'classify-labelled-28.jsonl',
    writers: ['AA', 'AB'],
    min: 600,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.5, laoOnly: 0.3, latinOnly: 0.4 },
  },
  {
    name: 'the twenty-ninth set',
    file: 'classify-labelled-29.jsonl',
    writers: ['AC', 'AD'],
    min: 600,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.45, laoOnly: 0.45, latinOnly: 0.4 },
  },
  {
    name: 'the thirtieth set',
    file: 'classify-labelled-30.jsonl',
    writers: ['AE', 'AF'],
    min: 600,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.5, laoOnly: 0.4, latinOnly: 0.4 },
  },
  {
    name: 'the thirty-first set',
    file: 'classify-labelled-31.jsonl',
    writers: ['AG', 'AH'],
    min: 600,
    classes: { service: 20, topic: 40, kind: 55 },
    mix: { noCenter: 0.5, laoOnly: 0, latinOnly: 0.85 },
  },
];

describe.each(WRITER_SETS)('$name, $file', (w) => {
  const set = readSet(w.file);
  const [a, b] = w.writers;

  test(`well formed, with unique ids ${a}0001… then ${b}0001…, and codes from the catalog`, () => {
    expect(set.length).toBeGreaterThanOrEqual(w.min);
    expect(malformed(set, new RegExp(`^(?:${a}|${b})\\d{4,}$`))).toEqual([]);
    expect(new Set(set.map((m) => m.id)).size).toBe(set.length);
    expect(unknownCodes(set)).toEqual([]);
  });

  test('no text repeats one of its own or of the earlier sets', () => {
    const earlier =
      'heldOut' in w
        ? [...LABELLED_FILES, ...HELD_OUT_FILES.slice(0, HELD_OUT_FILES.indexOf(w.file))]
        : LABELLED_FILES.slice(0, LABELLED_FILES.indexOf(w.file));
    // Sets from the twenty-first on were written with the checker that compares letters only.
    const strict =
      LABELLED_FILES.indexOf(w.file) >= LABELLED_FILES.indexOf('classify-labelled-21.jsonl');
    expect(repeats(set, earlier, strict)).toEqual([]);
  });

  test(`every service at least ${w.classes.service} times, every topic ${w.classes.topic}, every kind ${w.classes.kind}; the mix of centers and scripts`, () => {
    expect(thinClasses(set, w.classes)).toEqual([]);
    const m = mix(set);
    expect(m.noCenter).toBeGreaterThanOrEqual(w.mix.noCenter);
    expect(m.laoOnly).toBeGreaterThanOrEqual(w.mix.laoOnly);
    expect(m.latinOnly).toBeGreaterThanOrEqual(w.mix.latinOnly);
  });
});

test('every set file is one the model trains on, in the order written, but the held-out ones', () => {
  const trained = WRITER_SETS.filter((w) => !('heldOut' in w)).map((w) => w.file);
  expect(LABELLED_FILES.slice(-trained.length)).toEqual(trained);
  const heldOut = WRITER_SETS.filter((w) => 'heldOut' in w).map((w) => w.file);
  expect(heldOut).toEqual(HELD_OUT_FILES);
  for (const f of heldOut) expect(LABELLED_FILES).not.toContain(f);
});
