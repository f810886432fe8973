/**
 * "Nothing else happened" checks wait for the thing that could still make something happen, never
 * for a fixed time: a queue with nothing waiting, running, delayed or prioritized has no job left
 * that could store, send or retry anything, so what the test counts next is final.
 */
import { waitFor } from './platform';

/** What these checks need of a BullMQ queue. */
interface CountableQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** Waits (a bounded poll, 15 s at most) until the queue has no job left to run. */
export async function queueIdle(queue: CountableQueue): Promise<void> {
  await waitFor(async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, `queue ${queue.name} idle`);
}
