/**
 * The chaos run's numbers: latency and outcome per channel, the backlog timeline, how long the
 * backlog took to drain after each fault, and pipeline throughput from the completion counts.
 */
import type { Attempt, Sent } from './load';

/** One reading of the queues and spools, once a second. */
export interface Sample {
  /** Seconds since the load started. */
  t: number;
  /** Intake jobs not done yet (waiting, active, delayed, prioritized); null: Redis unreadable. */
  backlog: number | null;
  waiting: number | null;
  delayed: number | null;
  active: number | null;
  failed: number | null;
  notifyBacklog: number | null;
  /** Intake jobs completed so far (QueueEvents). */
  completed: number;
  spool: number;
  /** Client operations still open (in flight, waiting to retry, kiosk queues). */
  clientsOpen: number;
}

export interface Fault {
  name: string;
  detail?: string;
  /** Seconds since the load started, and wall-clock times. */
  start: number;
  end: number;
  startIso: string;
  endIso: string;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function percentile(values: number[], q: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
}

function latency(attempts: Attempt[]) {
  const ms = attempts.map((a) => a.ms);
  return {
    n: ms.length,
    p50Ms: percentile(ms, 0.5),
    p90Ms: percentile(ms, 0.9),
    p99Ms: percentile(ms, 0.99),
    maxMs: ms.length ? round(Math.max(...ms)) : null,
  };
}

function statuses(attempts: Attempt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of attempts) {
    const k = a.status ? String(a.status) : `no answer (${a.error ?? 'error'})`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/**
 * Per channel: outcomes, retries, answer statuses, latency of answered attempts — all of them, and
 * those sent outside the fault windows (a fault's start to 10 s after its end).
 */
export function channelStats(
  sent: Sent[],
  kioskBatches: Attempt[],
  seconds: number,
  faults: Fault[] = [],
) {
  const calm = (a: Attempt) => !faults.some((f) => a.at >= f.start && a.at <= f.end + 10);
  const out: Record<string, unknown> = {};
  for (const ch of ['sms', 'telegram', 'web', 'kiosk'] as const) {
    const list = sent.filter((s) => s.channel === ch);
    // A kiosk attempt is a batch, shared by its items: count it once.
    const attempts = ch === 'kiosk' ? kioskBatches : list.flatMap((s) => s.attempts);
    const ok = attempts.filter((a) => a.status >= 200 && a.status < 300);
    const answered = attempts.filter((a) => a.status > 0);
    const accepted = list.filter((s) => s.outcome === 'accepted');
    out[ch] = {
      [ch === 'kiosk' ? 'responses' : 'requests']: list.length,
      ratePerS: round(list.length / seconds),
      accepted: accepted.length,
      refused: list.filter((s) => s.outcome === 'refused').length,
      lost: list.filter((s) => s.outcome === 'lost').length,
      pending: list.filter((s) => s.outcome === 'pending').length,
      ...(ch === 'kiosk'
        ? {
            batches: attempts.length,
            batchesResent: attempts.length - attempts.filter((a) => a.status === 200).length,
            responsesSentMoreThanOnce: list.filter((s) => s.attempts.length > 1).length,
          }
        : {
            retries: attempts.length - list.length,
            requestsRetried: list.filter((s) => s.attempts.length > 1).length,
          }),
      statuses: statuses(attempts),
      latency2xx: latency(ok),
      latency2xxOutsideFaults: latency(ok.filter(calm)),
      latencyAllAnswered: latency(answered),
      timeToAcceptP99S: percentile(
        accepted.map((s) => (s.acceptedAt ?? s.firstAt) - s.firstAt),
        0.99,
      ),
    };
  }
  return out;
}

/**
 * How long the backlog took to come back after each fault: from the fault's end to the first
 * reading at which the intake backlog is at or below its level in the 10 s before the fault (its
 * highest reading there) and the SMS spools are empty.
 */
export function drainTimes(samples: Sample[], faults: Fault[]) {
  return faults.map((f) => {
    const before = samples.filter(
      (s) => s.t >= f.start - 10 && s.t < f.start && s.backlog !== null,
    );
    const level = before.length ? Math.max(...before.map((s) => s.backlog!)) : 0;
    const during = samples.filter((s) => s.t >= f.start);
    const back = during.find(
      (s) => s.t >= f.end && s.backlog !== null && s.backlog <= level && s.spool === 0,
    );
    const window = during.filter((s) => !back || s.t <= back.t);
    const peak = Math.max(0, ...window.map((s) => s.backlog ?? 0));
    const peakSpool = Math.max(0, ...window.map((s) => s.spool));
    return {
      fault: f.name,
      backlogBefore: level,
      peakBacklog: peak,
      peakSpool,
      drainedAt: back ? round(back.t) : null,
      drainSeconds: back ? round(back.t - f.end) : null,
    };
  });
}

/** Jobs completed per second: over [from, to], and the best 10 s window in it. */
export function completionRate(samples: Sample[], from: number, to: number) {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  if (inside.length < 2) return { perS: null, peak10sPerS: null };
  const first = inside[0]!;
  const last = inside.at(-1)!;
  let peak = 0;
  for (let i = 0, j = 0; j < inside.length; j++) {
    while (inside[j]!.t - inside[i]!.t > 10) i++;
    const dt = inside[j]!.t - inside[i]!.t;
    if (dt >= 9) peak = Math.max(peak, (inside[j]!.completed - inside[i]!.completed) / dt);
  }
  return {
    perS: round((last.completed - first.completed) / Math.max(1e-9, last.t - first.t)),
    peak10sPerS: round(peak),
  };
}
