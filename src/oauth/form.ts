/**
 * application/x-www-form-urlencoded for the OAuth endpoints. The parser keeps
 * repeated parameters as arrays so that `readForm` can refuse them: RFC 6749
 * §3.2 says request parameters MUST NOT be included more than once.
 */
import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../common/errors/oauth-error';

export type RawForm = Record<string, string | string[]>;
export type Form = Readonly<Record<string, string>>;

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function parseFormBody(body: string): RawForm {
  const out: RawForm = Object.create(null) as RawForm;
  for (const [name, value] of new URLSearchParams(body)) {
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else out[name] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

const FORM_FOR = Symbol('wagmix.form');
type WithForm = FastifyRequest & { [FORM_FOR]?: Form };

/** The request's form parameters, checked once: right content type, no parameter twice. */
export function readForm(req: FastifyRequest): Form {
  const cached = (req as WithForm)[FORM_FOR];
  if (cached) return cached;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== FORM_CONTENT_TYPE) throw new InvalidRequest(`The request body must be ${FORM_CONTENT_TYPE}`);
  const raw = (req.body ?? {}) as RawForm;
  const form: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) throw new InvalidRequest(`The parameter "${name.slice(0, 64)}" is given more than once`);
    form[name] = value;
  }
  (req as WithForm)[FORM_FOR] = form;
  return form;
}
