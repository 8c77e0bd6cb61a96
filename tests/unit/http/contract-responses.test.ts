import { expect } from 'chai';
import { problemBody } from '../../../src/http/problem.js';
import { contract, contractErrors, documentedResponse } from '../../helpers/contract.js';

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: unknown;
  security?: Record<string, string[]>[];
}

interface Op {
  method: string;
  template: string;
  params: Parameter[];
  hasBody: boolean;
  protected: boolean;
  roles: boolean;
}

function operations(): Op[] {
  const resolve = (p: Parameter) => (p.$ref ? (contract.components.parameters![p.$ref.split('/').pop()!] as Parameter) : p);
  const ops: Op[] = [];
  for (const [template, item] of Object.entries(contract.paths)) {
    const shared = ((item.parameters ?? []) as Parameter[]).map(resolve);
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const security = op.security ?? (contract.security as Operation['security']) ?? [];
      const open = security.length === 0 || security.some((r) => Object.keys(r).length === 0);
      ops.push({
        method: method.toUpperCase(),
        template,
        params: [...shared, ...(op.parameters ?? []).map(resolve)],
        hasBody: op.requestBody !== undefined,
        protected: !open,
        roles: !open && security.every((r) => Object.values(r).some((roles) => roles.length > 0)),
      });
    }
  }
  return ops;
}

const problem = (status: number, code: string, extensions: Record<string, unknown> = {}) => problemBody(status, code, 'detail', '/x', extensions);
const PROBLEM = { 'content-type': 'application/problem+json; charset=utf-8' };

/**
 * The answers middleware sends on whole classes of operations are documented
 * on each of them: the contract must accept the very bodies and headers they send.
 */
/** Probes and metrics answer before the rate limits and the min_position wait (src/http/routes/health.ts). */
const PROBES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

describe('contract: the refusals every operation can send are documented', () => {
  const ops = operations();

  const expectAccepted = (op: Op, status: number, body: unknown, headers: Record<string, string> = {}) =>
    expect(contractErrors(op.method, op.template, { status, headers: { ...PROBLEM, ...headers }, body }), `${op.method} ${op.template}`).to.deep.equal([]);

  it('413 payload_too_large and 400 malformed_body on every operation that reads a body (all but GET), 415 on those that take one', () => {
    const writes = ops.filter((o) => o.method !== 'GET');
    expect(writes.filter((o) => o.hasBody).length).to.be.greaterThan(25);
    for (const op of writes) {
      expectAccepted(op, 413, problem(413, 'payload_too_large'));
      expectAccepted(op, 400, problem(400, 'malformed_body'));
      if (op.hasBody) expectAccepted(op, 415, problem(415, 'unsupported_media_type'));
    }
  });

  it('min_position, 400 and 503 read_model_behind with Retry-After on every GET the min_position wait serves', () => {
    for (const op of ops.filter((o) => o.method === 'GET' && !PROBES.has(o.template))) {
      expect(op.params.map((p) => p.name), `${op.method} ${op.template}`).to.include('min_position');
      expectAccepted(op, 400, problem(400, 'validation_error', { errors: [{ field: 'query.min_position', message: 'x' }] }));
      expectAccepted(op, 503, problem(503, 'read_model_behind'), { 'retry-after': '1' });
      expect(Object.keys(documentedResponse(op.method, op.template, 503)!.response.headers ?? {}), `${op.method} ${op.template}`).to.include('Retry-After');
    }
  });

  it('429 rate_limited with Retry-After and 403 (blacklisted address, refused API key) on every operation behind them', () => {
    for (const op of ops.filter((o) => !PROBES.has(o.template))) {
      expectAccepted(op, 429, problem(429, 'rate_limited', { scope: 'anon', retry_after: 3 }), { 'retry-after': '3' });
    }
    for (const op of ops) expectAccepted(op, 403, problem(403, 'ip_blacklisted'));
  });

  it('401 on every operation that needs a token, 403 on every one that needs a role, 404 where a path parameter can miss, 400 where a query or header can be wrong', () => {
    for (const op of ops) {
      if (op.protected) expectAccepted(op, 401, problem(401, 'not_authenticated'));
      if (op.roles) expectAccepted(op, 403, problem(403, 'permission_denied'));
      if (op.params.some((p) => p.in === 'path')) expectAccepted(op, 404, problem(404, 'not_found'));
      if (op.params.some((p) => p.in === 'query' || p.in === 'header')) expectAccepted(op, 400, problem(400, 'validation_error'));
    }
  });

  it('Cache-Control: no-store and Pragma: no-cache on every success of /auth', () => {
    const auth = ops.filter((o) => o.template.startsWith('/auth/'));
    expect(auth.length).to.be.greaterThan(10);
    for (const op of auth) {
      const responses = (contract.paths[op.template]![op.method.toLowerCase()] as { responses: Record<string, unknown> }).responses;
      for (const status of Object.keys(responses).filter((s) => s.startsWith('2'))) {
        const headers = documentedResponse(op.method, op.template, Number(status))!.response.headers ?? {};
        expect(Object.keys(headers), `${op.method} ${op.template} ${status}`).to.include.members(['Cache-Control', 'Pragma']);
      }
    }
  });

  it('finds what departs from the contract (the checks can fail)', () => {
    const login = (status: number, body: unknown, headers: Record<string, string> = {}) => contractErrors('POST', '/auth/jwt/create', { status, headers, body });
    expect(login(418, problem(418, 'teapot'), PROBLEM)[0]).to.match(/status not documented/);
    expect(login(423, problem(423, 'login_locked'), PROBLEM).join()).to.match(/retry_after|Retry-After/);
    expect(login(423, problem(423, 'other', { retry_after: 3 }), { ...PROBLEM, 'retry-after': '3' }).join()).to.match(/constant/);
    expect(login(200, { access: 'a', refresh: 'r' }, { 'content-type': 'application/json' }).join()).to.match(/Cache-Control missing/);
    expect(login(200, { access: 'a', refresh: 'r' }, { 'content-type': 'application/json', 'cache-control': 'max-age=60', pragma: 'no-cache' }).join()).to.match(/Cache-Control/);
    expect(login(200, { access: 'a' }, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }).join()).to.match(/refresh/);
    expect(login(200, { access: 'a', refresh: 'r' }, { 'content-type': 'text/html', 'cache-control': 'no-store', pragma: 'no-cache' }).join()).to.match(/media type/);
    expect(login(200, { access: 'a', refresh: 'r' }, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' })).to.deep.equal([]);
  });
});
