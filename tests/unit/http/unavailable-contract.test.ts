import { expect } from 'chai';
import { problemBody } from '../../../src/http/problem.js';
import { contract, contractErrors, documentedResponse } from '../../helpers/contract.js';

const PROBLEM = { 'content-type': 'application/problem+json; charset=utf-8' };

function operations(): { method: string; template: string; idempotent: boolean }[] {
  const ops = [];
  for (const [template, item] of Object.entries(contract.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      const op = item[method] as { parameters?: { $ref?: string }[] } | undefined;
      if (!op) continue;
      ops.push({ method: method.toUpperCase(), template, idempotent: (op.parameters ?? []).some((p) => p.$ref === '#/components/parameters/IdempotencyKey') });
    }
  }
  return ops;
}

describe('contract: database outages, shutdown and busy idempotency keys are documented', () => {
  const ops = operations();

  it('503 service_unavailable with Retry-After on every operation (a missing Retry-After is caught)', () => {
    expect(ops.length).to.be.greaterThan(50);
    for (const op of ops) {
      const answer = (headers: Record<string, string>) => contractErrors(op.method, op.template, { status: 503, headers: { ...PROBLEM, ...headers }, body: problemBody(503, 'service_unavailable', 'd', '/x') });
      expect(answer({ 'retry-after': '2' }), `${op.method} ${op.template}`).to.deep.equal([]);
    }
    const withoutHeader = contractErrors('POST', '/transfers/internal', { status: 503, headers: PROBLEM, body: problemBody(503, 'service_unavailable', 'd') });
    expect(withoutHeader.join()).to.match(/Retry-After missing/);
  });

  it('409 idempotency_in_progress with a documented Retry-After on every operation that takes an Idempotency-Key', () => {
    const keyed = ops.filter((o) => o.idempotent);
    expect(keyed.map((o) => `${o.method} ${o.template}`)).to.include.members(['POST /transfers/internal', 'POST /transfers/external', 'POST /transfers/confirm', 'POST /bill', 'POST /accounts']);
    for (const op of keyed) {
      expect(Object.keys(documentedResponse(op.method, op.template, 409)?.response.headers ?? {}), `${op.method} ${op.template}`).to.include('Retry-After');
      expect(contractErrors(op.method, op.template, { status: 409, headers: { ...PROBLEM, 'retry-after': '1' }, body: problemBody(409, 'idempotency_in_progress', 'd') })).to.deep.equal([]);
      expect(contractErrors(op.method, op.template, { status: 409, headers: { ...PROBLEM, 'retry-after': 'soon' }, body: problemBody(409, 'idempotency_in_progress', 'd') }).join()).to.match(/Retry-After/);
    }
  });
});
