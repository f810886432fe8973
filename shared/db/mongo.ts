/** One mongoose connection per process; models are bound to it so tests can use their own database. */
import mongoose, { type Connection, type Model, type Schema } from 'mongoose';

// Filters built from request input must never carry operators such as {"$gt": ""}.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/** Opens a connection and waits until the server answers. */
export async function connectMongo(
  url: string,
  opts: { timeoutMs?: number } = {},
): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: opts.timeoutMs ?? 10_000,
    // FerretDB and MongoDB 7 both accept retryable writes; reads go to the primary.
    retryWrites: true,
    maxPoolSize: 20,
  });
  await conn.asPromise();
  return conn;
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
