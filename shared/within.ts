/**
 * A bounded wait for a store the caller can go on without (the SMS webhook and the Telegram bot
 * during a MongoDB or Redis outage): the value, or FAILED when the promise rejects or takes longer
 * than ms. The operation itself is not cancelled.
 */
export const FAILED = Symbol('failed');

export function within<T>(p: PromiseLike<T>, ms: number): Promise<T | typeof FAILED> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(FAILED), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(FAILED);
      },
    );
  });
}
