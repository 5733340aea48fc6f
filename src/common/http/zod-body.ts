/** Validates a request body against a zod schema, answering problem+json 400 with every issue. */
import type { z } from 'zod';
import { Problem } from '../errors/problem';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw Problem.badRequest('The request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
    message: i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}` : i.message,
  }));
  throw Problem.badRequest(errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '), { errors });
}
