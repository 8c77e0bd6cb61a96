/**
 * The one family of expected failures: a business rule, a credential or a
 * lockout said no. `code` is stable and travels to API clients as the
 * problem+json `code`; `status` is the HTTP status the API maps it to;
 * `details` become extension members of the problem. The HTTP error handler
 * (src/http/middleware/errors.ts) is the one place that maps them.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 422 | 423 = 422,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): DomainError => new DomainError('not_found', `${what} not found.`, 404);
