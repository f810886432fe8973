/**
 * Reopens a MongoDB connection whose driver monitor has wedged.
 *
 * The bug (mongodb node driver 7.8.0, unchanged in 7.9.0, lib/cmap/connection.js writeCommand):
 * when the server closes its sockets — a restart — a heartbeat that starts in the instant between
 * the monitor socket's destruction and its 'close' event writes to the destroyed socket, gets
 * `false` back, and waits for a 'drain' (or 'error') that never comes. The monitor never checks
 * again: the server stays "Unknown" with the old error, and every operation fails server selection
 * with "connection N to <host> closed" for the rest of the process's life, though the server is
 * back. `npm run chaos` found it in one worker and one api of four processes after a FerretDB
 * restart (the worker failed every job it took for five minutes; the api answered every kiosk
 * batch 503); a loop of FerretDB restarts wedges about half the clients.
 *
 * The driver bounds every heartbeat it can (connectTimeoutMS, 30 s by default), so a heartbeat
 * pending longer than WEDGED_AFTER_MS is this wedge. The watchdog then closes the client and opens
 * the same mongoose connection again — models bound to it keep working, operations in flight fail
 * and their callers retry (jobs, clients) — and retries the opening until the server answers.
 * Heartbeat events are the driver's public monitoring API (SDAM events).
 */
import type { Connection, ConnectOptions } from 'mongoose';
import type { Logger } from '../logger';

/** Longer than any heartbeat the driver lets run (connectTimeoutMS plus the handshake). */
export const WEDGED_AFTER_MS = 60_000;
const CHECK_EVERY_MS = 5000;

interface HeartbeatEvent {
  connectionId: string;
}

/** Starts watching `conn`; returns the function that stops watching (call it before closing). */
export function reopenWhenMonitorWedges(
  conn: Connection,
  url: string,
  options: ConnectOptions,
  opts: { log?: Logger; wedgedAfterMs?: number } = {},
): () => void {
  const wedgedAfterMs = opts.wedgedAfterMs ?? WEDGED_AFTER_MS;
  const watched = new WeakSet<object>();
  /** When the heartbeat pending on each server started. */
  const pending = new Map<string, number>();
  let reopening = false;
  let stopped = false;

  // Each opening makes a new client: listen to the current one.
  const listen = () => {
    let client: ReturnType<Connection['getClient']> | undefined;
    try {
      client = conn.getClient();
    } catch {
      return;
    }
    if (!client || watched.has(client)) return;
    watched.add(client);
    client.on('serverHeartbeatStarted', (e: HeartbeatEvent) => {
      if (!pending.has(e.connectionId)) pending.set(e.connectionId, Date.now());
    });
    const done = (e: HeartbeatEvent) => pending.delete(e.connectionId);
    client.on('serverHeartbeatSucceeded', done);
    client.on('serverHeartbeatFailed', done);
  };

  const reopen = async (address: string, pendingMs: number) => {
    reopening = true;
    pending.clear();
    opts.log?.error('mongodb driver monitor wedged (a known driver bug): reconnecting', {
      address,
      heartbeatPendingS: Math.round(pendingMs / 1000),
    });
    await conn.close().catch(() => undefined);
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await conn.openUri(url, options);
        opts.log?.info('mongodb reconnected after a wedged monitor', { attempt });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** (attempt - 1), 10_000)));
      }
    }
    reopening = false;
    listen();
  };

  // The application closing the connection ends the watch (our own reopening closes it too).
  conn.on('close', () => {
    if (!reopening) stop();
  });
  const timer = setInterval(
    () => {
      if (stopped || reopening) return;
      listen();
      const now = Date.now();
      for (const [address, since] of pending)
        if (now - since > wedgedAfterMs) return void reopen(address, now - since);
    },
    Math.min(CHECK_EVERY_MS, wedgedAfterMs),
  );
  timer.unref();
  listen();
  function stop() {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
