/**
 * RFC 9457 problem details for everything that is not an OAuth endpoint.
 * `type` is a stable URN per kind of problem so clients can branch on it.
 */
export class Problem extends Error {
  readonly headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type: string = `urn:wagmix:problem:${slug(title)}`,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  static badRequest(detail: string, extensions: Record<string, unknown> = {}): Problem {
    return new Problem(400, 'Bad Request', detail, 'urn:wagmix:problem:validation', extensions);
  }

  static notFound(detail: string): Problem {
    return new Problem(404, 'Not Found', detail, 'urn:wagmix:problem:not-found');
  }

  static conflict(detail: string): Problem {
    return new Problem(409, 'Conflict', detail, 'urn:wagmix:problem:conflict');
  }

  withHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
