/** One mongoose connection per process; models are bound to it so tests can use their own database. */
import mongoose, { type Connection, type Model, type Schema } from 'mongoose';
import type { Logger } from '../logger';
import { reopenWhenMonitorWedges } from './monitor-watchdog';

// Filters built from request input must never carry operators such as {"$gt": ""}.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/**
 * Opens a connection and waits until the server answers. It is reopened if the driver's monitor
 * wedges after a server restart (monitor-watchdog.ts); `log` reports that.
 */
export async function connectMongo(
  url: string,
  opts: { timeoutMs?: number; log?: Logger; wedgedAfterMs?: number } = {},
): Promise<Connection> {
  const options = {
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10_000,
    // FerretDB and MongoDB 7 both accept retryable writes; reads go to the primary.
    retryWrites: true,
    maxPoolSize: 20,
  };
  const conn = mongoose.createConnection(url, options);
  await conn.asPromise();
  reopenWhenMonitorWedges(conn, url, options, { log: opts.log, wedgedAfterMs: opts.wedgedAfterMs });
  return conn;
}

/** A connection that is opened (and re-opened) in the background; see connectMongoInBackground. */
export interface BackgroundMongo {
  conn: Connection;
  /** Stops the retries and closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens a connection without waiting for it, for the api: web, kiosk and Telegram intake only need
 * Redis, so the api serves them while MongoDB is down or still starting. The first connection is
 * retried with backoff until it succeeds (the driver itself reconnects after that); `onConnected`
 * runs once, e.g. to build indexes. Until then mongoose buffers commands for `bufferTimeoutMs`
 * and then fails them, so a request that needs the database gets a quick 503 (isMongoUnavailable),
 * not a hang.
 */
export function connectMongoInBackground(
  url: string,
  opts: {
    log: Logger;
    /** Server selection: how long one connection attempt, and later each operation, may wait. */
    timeoutMs?: number;
    /** How long an operation waits for the first connection before it fails. */
    bufferTimeoutMs?: number;
    /** Longest pause between two connection attempts (the pause doubles from 1 s). */
    maxRetryDelayMs?: number;
    onConnected?: (conn: Connection) => Promise<void>;
  },
): BackgroundMongo {
  const { log } = opts;
  const options = {
    serverSelectionTimeoutMS: opts.timeoutMs ?? 5000,
    bufferTimeoutMS: opts.bufferTimeoutMs ?? 2000,
    retryWrites: true,
    maxPoolSize: 20,
  };
  const conn = mongoose.createConnection(url, options);
  // Without a listener mongoose would report connection errors as unhandled; the retry logs them.
  conn.on('error', () => undefined);
  const stopWatchdog = reopenWhenMonitorWedges(conn, url, options, { log });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const connected = async (attempt: number) => {
    log.info('mongodb connected', { attempt });
    conn.on('disconnected', () => !stopped && log.warn('mongodb disconnected; the driver retries'));
    conn.on('reconnected', () => log.info('mongodb reconnected'));
    try {
      await opts.onConnected?.(conn);
    } catch (err) {
      log.error('mongodb set-up failed', { error: err instanceof Error ? err.message : err });
    }
  };
  const failed = (attempt: number, err: unknown) => {
    if (stopped) return;
    const delay = Math.min(1000 * 2 ** (attempt - 1), opts.maxRetryDelayMs ?? 10_000);
    log.warn('mongodb unreachable; retrying in the background', {
      attempt,
      retryInMs: delay,
      error: err instanceof Error ? err.message : String(err),
    });
    timer = setTimeout(() => {
      conn.openUri(url, options).then(
        () => connected(attempt + 1),
        (e: unknown) => failed(attempt + 1, e),
      );
    }, delay);
  };
  conn.asPromise().then(
    () => connected(1),
    (e: unknown) => failed(1, e),
  );
  return {
    conn,
    async close() {
      stopped = true;
      clearTimeout(timer);
      stopWatchdog();
      // conn.close() would wait for a connection attempt in progress; closing the client ends it.
      if (conn.readyState === 1) await conn.close().catch(() => undefined);
      else
        await Promise.resolve()
          .then(() => conn.getClient().close(true))
          .catch(() => undefined);
    },
  };
}

/**
 * True for errors that mean the database cannot be reached (no server, network, buffering timed
 * out before the first connection), as opposed to a bad query: the api answers them with 503.
 */
export function isMongoUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (
    err instanceof mongoose.mongo.MongoNetworkError ||
    err instanceof mongoose.mongo.MongoServerSelectionError ||
    err instanceof mongoose.mongo.MongoNotConnectedError ||
    err instanceof mongoose.mongo.MongoTopologyClosedError
  )
    return true;
  if (err.name === 'MongooseServerSelectionError') return true;
  return (
    err instanceof mongoose.Error &&
    /buffering timed out|Connection was force closed/.test(err.message)
  );
}

/** True when the server answers a ping within the timeout. */
export async function pingMongo(conn: Connection, timeoutMs = 1500): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return false;
  const ping = conn.db
    .admin()
    .ping()
    .then(
      () => true,
      () => false,
    );
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}

/**
 * True when the server is FerretDB (its buildInfo carries ferretdbVersion). Some writes need help
 * there that MongoDB does not: see shared/redis-lock.ts.
 */
export async function isFerretDb(conn: Connection): Promise<boolean> {
  const info = await conn.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/** The model `name` on this connection, compiled once per connection (tests open several). */
export function modelOn<T>(
  conn: Connection,
  name: string,
  schema: Schema<T>,
  collection: string,
): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, schema, collection);
}

/** MongoDB's (and FerretDB's) duplicate-key error, E11000. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
