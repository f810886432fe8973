/**
 * The request or job a log line belongs to. The api's request-id middleware runs each request
 * inside a context holding its id; the producer copies it into the IntakeEnvelope (`requestId`);
 * the worker runs each job inside a context holding that id and the job id. shared/logger.ts adds
 * both to every line written inside, so one request can be followed from the api into the worker.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written inside the context carries. */
export interface LogContext {
  requestId?: string;
  jobId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs fn (and everything it awaits) inside a log context. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The context of the code running now (empty outside any). */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** The request id of the api request being handled, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The request id a queued job carries (`requestId` in its data), if it is a well-formed one. */
export function requestIdOf(data: unknown): string | undefined {
  const id = (data as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' && REQUEST_ID.test(id) ? id : undefined;
}

/** What a request id may look like (the api accepts a caller's X-Request-Id of this form). */
export const REQUEST_ID = /^[\w.-]{1,100}$/;
