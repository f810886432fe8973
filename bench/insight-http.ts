/**
 * The HTTP side of the insight benchmark (bench/insight.ts): the api as its real process
 * (dist/services/api/main.js), a taskforce account signed in as the dashboard signs in, timed
 * requests, and the api's memory read from /proc/<pid>/status (VmRSS sampled while a request
 * streams, VmHWM: the process's peak resident set).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { seedCenters } from '../shared/catalog/catalog';
import { staffUserModel } from '../shared/models/staff-user.model';
import { createStaffUser } from '../shared/staff/staff-users';
import { freePort } from '../scripts/storage';

const DIST = path.resolve(__dirname, '..');

export interface ApiProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the api process with this environment; resolves once /readyz answers 200. */
export async function startApi(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(DIST, 'services', 'api', 'main.js')], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => (clearTimeout(t), resolve()));
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { base, child, stop };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('the api never became ready');
}

export const BENCH_PASSWORD = 'insight bench passphrase';

/** Creates a taskforce account (as `npm run user:create` does) and signs it in; returns the cookie. */
export async function taskforceSession(conn: Connection, base: string): Promise<string> {
  const Users = staffUserModel(conn);
  await Users.init();
  const email = `bench.taskforce.${Date.now().toString(36)}@odsc.invalid`;
  await createStaffUser(
    Users,
    { email, role: 'taskforce', centers: [], password: BENCH_PASSWORD },
    new Set(seedCenters.map((c) => c.code)),
  );
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}

/** GETs a staff URL with the session; returns the status, the body's size and the time to its end. */
export async function timedGet(
  url: string,
  cookie: string,
): Promise<{ status: number; ms: number; bytes: number; type: string }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    ms: performance.now() - t,
    bytes: body.length,
    type: res.headers.get('content-type') ?? '',
  };
}

/** One field of /proc/<pid>/status in MiB (VmRSS: now; VmHWM: the peak so far). */
export function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * Streams a CSV export to its end without keeping it: counts its lines, and samples the api's
 * resident memory every 50 ms while it runs.
 */
export async function streamExport(
  url: string,
  cookie: string,
  pid: number,
): Promise<{
  status: number;
  seconds: number;
  rows: number;
  bytes: number;
  peakRssMiB: number;
  /** Every 10 s: [seconds, rows so far, the api's resident MiB] (flat = memory does not grow). */
  rssTimeline: [number, number, number][];
}> {
  let peak = procMiB(pid, 'VmRSS') ?? 0;
  let lines = 0;
  const t = performance.now();
  const rssTimeline: [number, number, number][] = [];
  let nextPoint = 0;
  const sampler = setInterval(() => {
    const rss = procMiB(pid, 'VmRSS') ?? 0;
    peak = Math.max(peak, rss);
    const s = (performance.now() - t) / 1000;
    if (s >= nextPoint) {
      rssTimeline.push([Math.round(s), Math.max(0, lines - 1), rss]);
      nextPoint += 10;
    }
  }, 50);
  try {
    const res = await fetch(url, { headers: { cookie } });
    let bytes = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    }
    return {
      status: res.status,
      seconds: +((performance.now() - t) / 1000).toFixed(1),
      // The first line is the header.
      rows: Math.max(0, lines - 1),
      bytes,
      peakRssMiB: peak,
      rssTimeline,
    };
  } finally {
    clearInterval(sampler);
  }
}
