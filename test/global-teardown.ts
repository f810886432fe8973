import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  for (const s of (globalThis.__ODSC_SERVERS__ ?? []).reverse()) await s.stop();
  if (process.env.ODSC_TEST_SCRATCH)
    rmSync(process.env.ODSC_TEST_SCRATCH, { recursive: true, force: true });
}
