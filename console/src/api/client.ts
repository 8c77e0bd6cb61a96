import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../src/http/generated/openapi.ts';
import { session } from '../auth/session.ts';

/** The contract's schemas, as generated from openapi/ (a contract change that breaks a page breaks `npm run typecheck`). */
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type { paths };

/** Requests sent once more after a silent refresh (their original, unread body). */
const originals = new Map<string, Request>();

const auth: Middleware = {
  onRequest({ request, id }) {
    const token = session.accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    if (token && !request.url.includes('/auth/')) originals.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const original = originals.get(id);
    originals.delete(id);
    if (response.status !== 401 || !original) return response;
    // The access token expired or its session ended: one silent refresh, then the same request once more.
    if (!(await session.refresh())) return response;
    original.headers.set('Authorization', `Bearer ${session.accessToken()}`);
    return fetch(original);
  },
  onError({ id }) {
    originals.delete(id);
  },
};

/**
 * The typed API client every page uses: `api.GET('/admin/accounts', { params: { query: { owner } } })`.
 * The access token is only in memory (auth/session.ts); the refresh lives in an httpOnly cookie.
 */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** An answer that is not 2xx, as the problem+json the API sends (or a stand-in when the network failed). */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

/** The problem of any thrown value: an ApiProblem's own, or one made from a network or script error. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  const detail = error instanceof Error ? error.message : String(error);
  return { type: 'about:blank', title: 'Request failed', status: 0, code: 'network_error', detail };
}

/** The data of an openapi-fetch result, or throws its problem: `const page = ok(await api.GET(...))`. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const e = result.error as Partial<Problem> | undefined;
    throw new ApiProblem({
      type: e?.type ?? 'about:blank',
      title: e?.title ?? result.response.statusText ?? 'Error',
      status: e?.status ?? result.response.status,
      code: e?.code ?? 'error',
      ...(e?.detail ? { detail: e.detail } : {}),
      ...(e?.request_id ? { request_id: e.request_id } : {}),
    });
  }
  return result.data as T;
}

/** A fresh Idempotency-Key for one user action (kept by the page until the action succeeds). */
export const newIdempotencyKey = (): string => crypto.randomUUID();

/** A list endpoint that can also answer CSV is typed `page | string`: the JSON page (the console asked for JSON). */
export function jsonPage<T extends object>(data: T | string): T {
  if (typeof data === 'string') throw new ApiProblem({ type: 'about:blank', title: 'Unexpected answer', status: 0, code: 'not_json', detail: 'The API answered CSV where JSON was asked for.' });
  return data;
}

/** `min_position` for a read after a command: the answer waits until the read models have applied `position` ('' = no wait). */
export const seen = (position: string): { min_position?: string } => (position ? { min_position: position } : {});
