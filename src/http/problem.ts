/**
 * RFC 9457 problem details. Every error the API returns is one of these, with a
 * stable `code` clients can match on.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(instance?: string): ProblemBody {
    return problemBody(this.status, this.code, this.message, instance, this.extensions);
  }
}

export function problemBody(
  status: number,
  code: string,
  detail: string,
  instance?: string,
  extensions: Record<string, unknown> = {},
): ProblemBody {
  // Extensions never replace the standard members (a detail named `status` or `code` would mislead).
  return {
    ...extensions,
    type: `https://docs.nexus-bank.local/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(instance ? { instance } : {}),
  };
}

export const unauthorized = (detail = 'Authentication credentials were not provided.') =>
  new HttpProblem(401, 'not_authenticated', detail, {}, { 'WWW-Authenticate': 'Bearer realm="api"' });
export const forbidden = (detail = 'You do not have permission to perform this action.') =>
  new HttpProblem(403, 'permission_denied', detail);
export const notFoundProblem = (detail = 'Not found.') => new HttpProblem(404, 'not_found', detail);
