/**
 * The public scoreboard (docs/public.md): per center and month, how many
 * responses, how satisfied, and how many complaints were resolved on time — as JSON
 * (`GET /api/v1/public/scoreboard?month=YYYY-MM`) and as a page in Lao and English
 * (`GET /scoreboard`). No session, no personal data, no free text: only what
 * `Figures.scoreboard` computes from the report days, and centers below the minimum number of
 * responses carry no figures at all.
 *
 * Public traffic must not reach the database per request: each month's result is kept in this
 * process for a minute (`ScoreboardCache`), shared by the API and the page, and sent with
 * `Cache-Control: public, max-age=60` so that proxies can keep it as long.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { CatalogView } from '../../../shared/catalog/catalog';
import { Errors } from '../../../shared/errors';
import type { Figures } from '../../../shared/reports/figures';
import { previousMonth, today } from '../../../shared/reports/metrics';
import { renderScoreboardPage, type ScoreboardSort } from '../views/scoreboard.view';
import { pickLang } from '../views/strings';

/** How long one month's scoreboard is served from memory (and may be kept by caches). */
export const SCOREBOARD_TTL_MS = 60_000;
/** The oldest month anyone may ask for (long before the platform; it only bounds the input). */
export const FIRST_MONTH = '2000-01';
/** How many months the in-process cache holds at once (the oldest entry goes first). */
const MAX_CACHED_MONTHS = 48;

export type Scoreboard = Awaited<ReturnType<Figures['scoreboard']>>;

export const MonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM (01–12)')
  .optional();

/** The month in Vientiane now (YYYY-MM). */
export function currentMonth(now = Date.now()): string {
  return today(now).slice(0, 7);
}

/** The last month that has ended in Vientiane: what the scoreboard shows by default. */
export function lastCompleteMonth(now = Date.now()): string {
  return previousMonth(currentMonth(now));
}

/** The month asked for, or the default; throws a 422 for a malformed, too old or future month. */
export function scoreboardMonth(q: unknown, now = Date.now()): string {
  const r = MonthSchema.safeParse(q);
  if (!r.success)
    throw Errors.validation([{ field: 'month', message: r.error.issues[0]!.message }]);
  const month = r.data ?? lastCompleteMonth(now);
  if (month > currentMonth(now))
    throw Errors.validation(
      [{ field: 'month', message: `${month} has not begun yet (Asia/Vientiane).` }],
      'The month is in the future.',
    );
  if (month < FIRST_MONTH)
    throw Errors.validation([{ field: 'month', message: `must be ${FIRST_MONTH} or later` }]);
  return month;
}

/**
 * One computation per month per minute: concurrent requests share the running one, a failure is
 * not kept, and at most MAX_CACHED_MONTHS months are held.
 */
export class ScoreboardCache {
  private readonly entries = new Map<string, { at: number; value: Promise<Scoreboard> }>();

  constructor(
    private readonly compute: (month: string) => Promise<Scoreboard>,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = SCOREBOARD_TTL_MS,
  ) {}

  get(month: string): Promise<Scoreboard> {
    const hit = this.entries.get(month);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    this.entries.delete(month);
    const value = this.compute(month);
    this.entries.set(month, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(month)?.value === value) this.entries.delete(month);
    });
    if (this.entries.size > MAX_CACHED_MONTHS)
      this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

export interface PublicRoutesDeps {
  figures: Pick<Figures, 'scoreboard'>;
  catalog: () => Promise<CatalogView>;
  /** config.reports.scoreboardMinResponses */
  minResponses: number;
  /** config.complaintSlaDays: the deadline the page names when it explains "on time". */
  complaintSlaDays: number;
  now?: () => number;
}

export function publicRoutes(deps: PublicRoutesDeps): Router {
  const r = Router();
  const now = deps.now ?? Date.now;
  const cache = new ScoreboardCache((m) => deps.figures.scoreboard(m, deps.minResponses), now);
  const cacheFor = `public, max-age=${SCOREBOARD_TTL_MS / 1000}`;

  r.get('/api/v1/public/scoreboard', async (req, res) => {
    const month = scoreboardMonth(req.query.month, now());
    const board = await cache.get(month);
    res.setHeader('Cache-Control', cacheFor);
    res.json(board);
  });

  r.get('/scoreboard', async (req, res) => {
    const lang = pickLang(req.query.lang);
    const sort: ScoreboardSort = req.query.sort === 'satisfaction' ? 'satisfaction' : 'name';
    const at = now();
    const view = {
      lang,
      sort,
      currentMonth: currentMonth(at),
      complaintSlaDays: deps.complaintSlaDays,
      minResponses: deps.minResponses,
    };
    res.type('html');
    let month: string;
    try {
      month = scoreboardMonth(req.query.month, at);
    } catch {
      // The page answers in the citizen's language rather than with the API's JSON error.
      res.setHeader('Cache-Control', 'no-store');
      res.status(422).send(
        renderScoreboardPage({
          ...view,
          month: lastCompleteMonth(at),
          asked: typeof req.query.month === 'string' ? req.query.month.slice(0, 20) : '',
          board: null,
          catalog: await deps.catalog(),
        }),
      );
      return;
    }
    const [board, catalog] = await Promise.all([cache.get(month), deps.catalog()]);
    res.setHeader('Cache-Control', cacheFor);
    res.send(renderScoreboardPage({ ...view, month, board, catalog }));
  });

  return r;
}
