/**
 * The review queue's query: the query string validated once (zod), and the one predicate every
 * list, count and export applies — the caller's scope is part of it, so no route can forget it.
 * Matching is plain comparison and substring search on folded text: nothing from the request
 * reaches a regular expression or a database operator.
 */
import { z } from 'zod';
import { fold } from '../classify/fold';
import type { FeedbackDoc } from '../models/feedback.model';
import { laoDigitsToAscii } from '../text-normalize';
import { parseTrackingCode } from '../tracking-code';
import type { QueueEntry, QueueSort } from './queue-index';
import { inScope, provinceOf, type Scope } from './roles';
import { isOpen, OPEN_STATUSES, STAFF_STATUSES, type StaffStatus } from './staff-status';
import { isDay, vientianeDayRange } from './vientiane-days';

/** How much of a text the "contains" search reads. */
export const SEARCH_CHARS = 2000;
const EXCERPT_CHARS = 160;

const list = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
const code = list(400);

/** Query values may be typed with Lao digits (໒໐໒໖-໑໑-໐໑, rating ໒). */
const laoDigits = (v: unknown) => (typeof v === 'string' ? laoDigitsToAscii(v.trim()) : v);
const day = z.preprocess(laoDigits, z.string().refine(isDay, 'must be a day written YYYY-MM-DD'));
const bool = z.preprocess(
  laoDigits,
  z.enum(['true', 'false']).transform((v) => v === 'true'),
);

/**
 * A query's known keys with an empty value (`?center=&from=`, what a form with blank fields sends)
 * are left out before validation, as if not given. Unknown keys stay, so `strict()` still names them.
 */
export function emptyAsAbsent<T extends z.ZodObject>(schema: T) {
  const known = new Set(Object.keys(schema.shape));
  return z.preprocess((v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).filter(
        ([k, x]) => !(known.has(k) && typeof x === 'string' && x.trim() === ''),
      ),
    );
  }, schema);
}

const QueueQueryFields = z
  .object({
    center: code.optional(),
    province: code.optional(),
    service: code.optional(),
    channel: code.pipe(z.array(z.enum(['sms', 'telegram', 'web', 'kiosk']))).optional(),
    kind: code.optional(),
    topic: code.optional(),
    status: z
      .preprocess(laoDigits, list(200))
      .transform((v) =>
        v.includes('open') ? [...new Set([...v.filter((s) => s !== 'open'), ...OPEN_STATUSES])] : v,
      )
      .pipe(z.array(z.enum(STAFF_STATUSES)))
      .optional(),
    rating: z
      .preprocess(laoDigits, list(20))
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[1-5]$/, 'a rating is 1 to 5')
            .transform(Number),
        ),
      )
      .optional(),
    needsTriage: bool.optional(),
    /** Held items (over a rate limit or flagged), which no official figure counts yet. */
    held: bool.optional(),
    overdue: bool.optional(),
    assignee: z.string().max(64).optional(),
    from: day.optional(),
    to: day.optional(),
    q: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().max(200)).optional(),
    sort: z.enum(['received', 'received_asc', 'due']).default('received'),
    limit: z.preprocess(laoDigits, z.coerce.number().int().min(1).max(100)).default(50),
    cursor: z.string().max(400).optional(),
  })
  // An unknown key (a typo, or `center[$ne]`) is an error, not a filter silently left out.
  .strict();
export const QueueQuerySchema = emptyAsAbsent(QueueQueryFields);
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

export interface QueueFilter {
  /** The statuses the list is limited to (null: all). */
  statuses: StaffStatus[] | null;
  sort: QueueSort;
  keep(e: QueueEntry): boolean;
  /** The only centers that can match (null: any), so a read can go to those centers' sets. */
  centers: (string | null)[] | null;
  /** Whether the predicate reads the search text. */
  text: boolean;
  /** Nothing narrows the items but the statuses: counts can come from the set sizes. */
  unfiltered: boolean;
}

/**
 * The predicate for a query, a caller (their scope and id) and a moment. `ignoreStatus` is for the
 * tab counts, which count every status under the other filters.
 */
export function buildQueueFilter(
  scope: Scope,
  q: QueueQuery,
  me: string,
  now: number,
  opts: { ignoreStatus?: boolean } = {},
): QueueFilter {
  const checks: ((e: QueueEntry) => boolean)[] = [(e) => inScope(scope, e.ce)];
  const oneOf = <T>(values: T[] | undefined, get: (e: QueueEntry) => T) => {
    if (values?.length) {
      const set = new Set(values);
      checks.push((e) => set.has(get(e)));
    }
  };
  oneOf(q.center, (e) => e.ce ?? '');
  oneOf(q.province, (e) => e.pr ?? '');
  oneOf(q.service, (e) => e.sv ?? '');
  oneOf(q.channel, (e) => e.ch);
  oneOf(q.kind, (e) => e.k ?? '');
  oneOf(q.rating, (e) => e.r ?? 0);
  if (q.topic?.length) {
    const topics = new Set(q.topic);
    checks.push((e) => e.tp.some((t) => topics.has(t)));
  }
  const statuses = opts.ignoreStatus || !q.status?.length ? null : q.status;
  if (statuses) {
    const set = new Set(statuses);
    checks.push((e) => set.has(e.st));
  }
  if (q.needsTriage !== undefined) checks.push((e) => e.nt === q.needsTriage);
  if (q.held !== undefined) checks.push((e) => (e.hd === 1) === q.held);
  if (q.overdue !== undefined) checks.push((e) => isOverdue(e, now) === q.overdue);
  if (q.assignee) {
    const who = q.assignee === 'me' ? me : q.assignee;
    checks.push(who === 'none' ? (e) => !e.as : (e) => e.as === who);
  }
  if (q.from) {
    const start = vientianeDayRange(q.from).start.getTime();
    checks.push((e) => e.ra >= start);
  }
  if (q.to) {
    const end = vientianeDayRange(q.to).end.getTime();
    checks.push((e) => e.ra < end);
  }
  let text = false;
  if (q.q) {
    const needle = fold(q.q);
    const asCode = parseTrackingCode(q.q);
    if (needle) {
      text = true;
      checks.push((e) => e.c === asCode || e.t.includes(needle));
    }
  }
  let centers: (string | null)[] | null = q.center?.length ? q.center : null;
  if (!scope.all) centers = (centers ?? [...scope.centers]).filter((c) => inScope(scope, c));
  return {
    statuses,
    sort: q.sort,
    keep: (e) => checks.every((c) => c(e)),
    centers,
    text,
    unfiltered: checks.length === 1 + (statuses ? 1 : 0) && scope.all,
  };
}

export function isOverdue(e: Pick<QueueEntry, 'st' | 'du'>, now: number): boolean {
  return isOpen(e.st) && e.du !== null && e.du < now;
}

/** The staff status of a stored feedback (documents from before the workspace are new). */
export function staffStatusOf(doc: Pick<FeedbackDoc, 'staffStatus'>): StaffStatus {
  return doc.staffStatus ?? 'new';
}

/** The index entry of a stored feedback. */
export function queueEntry(doc: FeedbackDoc): QueueEntry {
  const text = doc.text?.normalized ?? '';
  const st = staffStatusOf(doc);
  return {
    c: doc._id,
    ce: doc.center?.code ?? null,
    pr: provinceOf(doc.center?.code),
    sv: doc.service?.code ?? null,
    ch: doc.channel,
    k: doc.kind?.code ?? null,
    tp: (doc.topics ?? []).map((t) => t.code).filter((t): t is string => !!t),
    st,
    r: doc.rating ?? null,
    ra: new Date(doc.receivedAt).getTime(),
    du: doc.slaDueAt ? new Date(doc.slaDueAt).getTime() : null,
    nt: !!doc.needsTriage,
    as: doc.assigneeId ?? null,
    sa: new Date(doc.statusAt ?? doc.receivedAt).getTime(),
    x: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text,
    t: fold(text.slice(0, SEARCH_CHARS)),
    ...(doc.held ? { hd: 1 as const } : {}),
  };
}

/** Whether a newly stored feedback belongs in the working set (rating-only answers do not). */
export function indexAtIntake(doc: Pick<FeedbackDoc, 'staffStatus'>): boolean {
  return isOpen(staffStatusOf(doc));
}
