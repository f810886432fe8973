/**
 * Latency at a fixed offered rate, open loop: request i is due at start + i / rate and is sent when
 * it is due whether or not earlier ones have been answered (a citizen does not wait for another
 * citizen's answer). Its latency runs from when it was due, not from when it left, so time spent
 * waiting for a free connection or behind a late timer counts: no coordinated omission.
 * (autocannon's `overallRate` is not this: each connection sends its share of a second back to
 * back and then idles, and its correction adds samples at a 1 ms interval whatever the rate.)
 *
 * The client is plain keep-alive sockets with the request bytes written directly (HTTP/1.1, one
 * request at a time per connection, answers with a Content-Length, as express sends them):
 * node:http's client costs several times more CPU per request, which on a small machine comes out
 * of the server being measured.
 */
import net from 'node:net';

export interface OpenLoopRun {
  offeredPerSec: number;
  /** Requests due in the run (rate × seconds), all sent. */
  sent: number;
  /** 2xx answers per second of the run. */
  requestsPerSec: number;
  ok: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * How late this generator's timer fired, p99 (ms after the due time): when it is not small
   * beside p99Ms, the generator itself could not keep the rate.
   */
  sendLagP99Ms: number;
  /** The most connections open at once (a free one is reused; a new one opens when none is). */
  connections: number;
  non2xx: number;
  errors: number;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

interface Conn {
  socket: net.Socket;
  buf: Buffer;
  /** The request on this connection: when it was due, and its end. */
  current: { dueAt: number; done: (status: number) => void } | null;
}

/**
 * Sends `rate` POSTs a second for `seconds` to url, each with makeBody()'s body, on at most
 * maxConnections keep-alive connections (a request finding none free waits for one, its wait
 * counted), and waits for every answer (timeoutMs at most for the last ones; what is left then
 * counts as errors).
 */
export async function openLoop(opts: {
  url: string;
  rate: number;
  seconds: number;
  makeBody: () => string;
  headers?: Record<string, string>;
  maxConnections?: number;
  timeoutMs?: number;
}): Promise<OpenLoopRun> {
  const { url, rate, seconds, makeBody } = opts;
  const target = new URL(url);
  const port = Number(target.port || 80);
  const maxConnections = opts.maxConnections ?? 256;
  const extra = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const head = (len: number) =>
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${len}\r\n${extra}\r\n`;
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const lags: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let answered = 0;
  let ended = false;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  let peak = 0;
  const waiting: number[] = []; // due times of requests waiting for a connection
  let allAnswered: () => void = () => undefined;
  const finished = new Promise<void>((r) => (allAnswered = r));

  const settle = () => {
    if (++answered === total) allAnswered();
  };
  const release = (c: Conn) => {
    const next = waiting.shift();
    if (next !== undefined) write(c, next);
    else idle.push(c);
  };
  const write = (c: Conn, dueAt: number) => {
    c.current = {
      dueAt,
      done: (status) => {
        c.current = null;
        if (status >= 200 && status < 300) {
          ok++;
          latencies.push(performance.now() - dueAt);
        } else non2xx++;
        settle();
        release(c);
      },
    };
    const payload = makeBody();
    c.socket.write(head(Buffer.byteLength(payload)) + payload);
  };
  /** Reads whole answers off the connection: status line, headers, Content-Length bytes. */
  const onData = (c: Conn, chunk: Buffer) => {
    c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
    for (;;) {
      const end = c.buf.indexOf('\r\n\r\n');
      if (end < 0 || !c.current) return;
      const headers = c.buf.subarray(0, end).toString('latin1');
      const status = Number(headers.slice(9, 12));
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
      if (!m) {
        c.socket.destroy(new Error('answer without Content-Length'));
        return;
      }
      const size = end + 4 + Number(m[1]);
      if (c.buf.length < size) return;
      c.buf = c.buf.subarray(size);
      c.current.done(status);
    }
  };
  const open = () => {
    const c: Conn = {
      socket: net.connect(port, target.hostname),
      buf: Buffer.alloc(0),
      current: null,
    };
    c.socket.setNoDelay(true);
    all.add(c);
    peak = Math.max(peak, all.size);
    c.socket.on('data', (d: Buffer) => onData(c, d));
    c.socket.on('error', () => undefined);
    c.socket.on('close', () => {
      if (ended) return;
      all.delete(c);
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (c.current) {
        c.current = null;
        errors++;
        settle();
        // What waited for a connection gets a new one.
        if (waiting.length && all.size < maxConnections) write(open(), waiting.shift()!);
      }
    });
    return c;
  };
  const send = (dueAt: number) => {
    lags.push(performance.now() - dueAt);
    const c = idle.pop() ?? (all.size < maxConnections ? open() : null);
    if (c) write(c, dueAt);
    else waiting.push(dueAt);
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now, stamped with the time it was due.
      while (next < total && start + (next * 1000) / rate <= now) {
        send(start + (next * 1000) / rate);
        next++;
      }
      if (next >= total) return done();
      setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now()));
    };
    tick();
  });
  const timeout = new Promise<void>((r) => setTimeout(r, opts.timeoutMs ?? 30_000).unref());
  await Promise.race([finished, timeout]);
  ended = true;
  errors += total - answered; // never answered within the timeout
  for (const c of all) c.socket.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    offeredPerSec: rate,
    sent: total,
    requestsPerSec: Math.round(ok / seconds),
    ok,
    p50Ms: r(quantile(sorted, 0.5)),
    p99Ms: r(quantile(sorted, 0.99)),
    maxMs: r(sorted.at(-1) ?? NaN),
    sendLagP99Ms: r(
      quantile(
        lags.sort((a, b) => a - b),
        0.99,
      ),
    ),
    connections: peak,
    non2xx,
    errors,
  };
}
