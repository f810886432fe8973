/**
 * Prometheus metrics (prom-client) of this process: one registry, scraped at `GET /metrics` on the
 * internal listener (shared/internal-server.ts) or, with METRICS_TOKEN, on the public port.
 * Labels are bounded sets (route templates, queue names, outcomes), never ids, numbers or text.
 * The alert rules in deploy/prometheus/alerts.yml name these metrics (test/observability.test.ts
 * checks that every metric they reference exists here).
 *
 * Docs: https://github.com/siimon/prom-client#readme
 */
import type { Queue, Worker } from 'bullmq';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The registry every metric of this process is in. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'odsc_process_' });

export const httpRequests = new Counter({
  name: 'odsc_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'odsc_http_request_duration_seconds',
  help: 'Time from request to the end of the response, by method, route template and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const jobsTotal = new Counter({
  name: 'odsc_jobs_total',
  help: 'Jobs processed by this worker, by queue and outcome (completed, retried, dead_lettered).',
  labelNames: ['queue', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'odsc_job_duration_seconds',
  help: 'Processing time of completed jobs, by queue.',
  labelNames: ['queue'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const classificationConfidence = new Histogram({
  name: 'odsc_classification_confidence',
  help: 'Confidence (0-1) of the center and service the intake worker assigned to new feedback.',
  labelNames: ['field'] as const,
  buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  registers: [registry],
});

export const notifyOutcomes = new Counter({
  name: 'odsc_notify_total',
  help: 'Outbound messages, by channel and outcome (sent, delivered, suppressed, logged, failed, …).',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

/**
 * Requests and messages refused by a rate limit, by scope (web, api, status, kiosk_pair, sms,
 * telegram, kiosk, …). Incremented by the limiter wherever it refuses.
 */
export const rateLimitRefusals = new Counter({
  name: 'odsc_rate_limit_refusals_total',
  help: 'Requests or messages refused (or held) by a rate limit, by scope.',
  labelNames: ['scope'] as const,
  registers: [registry],
});

/**
 * The long-polling Telegram bot (`npm run bot`): updates by outcome (handled, or a failed try that
 * will be retried), getUpdates calls that failed, and when getUpdates last answered (an alert
 * fires when the bot has not polled for minutes).
 */
export const telegramPollUpdates = new Counter({
  name: 'odsc_telegram_poll_updates_total',
  help: 'Telegram updates taken by long polling, by outcome (handled, retry).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const telegramPollErrors = new Counter({
  name: 'odsc_telegram_poll_errors_total',
  help: 'getUpdates calls that failed (network, Telegram errors, 409 conflicts).',
  registers: [registry],
});

export const telegramPollLastSuccess = new Gauge({
  name: 'odsc_telegram_poll_last_success_timestamp_seconds',
  help: 'Unix time of the last getUpdates call that answered.',
  registers: [registry],
});

const watchedQueues = new Set<Queue>();
let spoolSize: (() => Promise<number>) | null = null;

/** Queue depth gauges, read from Redis at each scrape. */
export const queueJobs = new Gauge({
  name: 'odsc_queue_jobs',
  help: 'Jobs in each queue by state (waiting, active, delayed, failed), read at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    for (const q of watchedQueues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      this.set({ queue: q.name, state: 'waiting' }, (c.waiting ?? 0) + (c.prioritized ?? 0));
      for (const state of ['active', 'delayed', 'failed'] as const)
        this.set({ queue: q.name, state }, c[state] ?? 0);
    }
  },
});

export const queueOldestWaiting = new Gauge({
  name: 'odsc_queue_oldest_waiting_seconds',
  help: 'Age of the oldest job waiting in each queue (0 when none waits), read at scrape time.',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    for (const q of watchedQueues) {
      const [oldest] = await q.getJobs(['wait'], 0, 0, true);
      const age = oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
      this.set({ queue: q.name }, age);
    }
  },
});

export const smsSpoolEntries = new Gauge({
  name: 'odsc_sms_spool_entries',
  help: 'SMS waiting in the api’s disk spool for Redis to come back, read at scrape time.',
  registers: [registry],
  async collect() {
    if (spoolSize) this.set(await spoolSize().catch(() => 0));
  },
});

/** Reports the depth and oldest waiting job of these queues at every scrape. */
export function watchQueues(...queues: Queue[]): void {
  for (const q of queues) watchedQueues.add(q);
}

/** Stops reporting these queues (they are closing). */
export function unwatchQueues(...queues: Queue[]): void {
  for (const q of queues) watchedQueues.delete(q);
}

/** Reports the SMS spool's size at every scrape. */
export function watchSpool(size: () => Promise<number>): void {
  spoolSize = size;
}

/** Counts a worker's jobs by outcome and times the completed ones. */
export function observeWorker(worker: Worker): void {
  const queue = worker.name;
  worker.on('completed', (job) => {
    jobsTotal.inc({ queue, outcome: 'completed' });
    if (job.processedOn && job.finishedOn)
      jobDuration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final =
      err?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    jobsTotal.inc({ queue, outcome: final ? 'dead_lettered' : 'retried' });
  });
}

/** Counts the notify worker's outcomes by channel: its return value, or `failed` at the last try. */
export function observeNotify(worker: Worker): void {
  worker.on('completed', (job, result: unknown) => {
    const channel = String((job.data as { channel?: string }).channel ?? 'sms');
    notifyOutcomes.inc({ channel, outcome: typeof result === 'string' ? result : 'done' });
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final =
      err?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const channel = String((job.data as { channel?: string }).channel ?? 'sms');
    notifyOutcomes.inc({ channel, outcome: 'failed' });
  });
}

/** The route template a request matched (never its values), or a fixed word when none did. */
function routeOf(req: Parameters<RequestHandler>[0], status: number): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}` || '/';
  return status === 404 ? 'unmatched' : 'other';
}

/** Counts and times every HTTP request (mount first). */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const labels = {
      method: req.method,
      route: routeOf(req, res.statusCode),
      status: String(res.statusCode),
    };
    httpRequests.inc(labels);
    httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  next();
};

/** The Prometheus exposition of this process. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
