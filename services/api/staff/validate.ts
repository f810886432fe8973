/** Request validation with zod: one 422 shape for every staff route. */
import type { z } from 'zod';
import { Errors } from '../../../shared/errors';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success)
    throw Errors.validation(
      r.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
    );
  return r.data;
}
