import { expect } from 'chai';
import type { Request, Response } from 'express';
import type { IdempotencyStore } from '../../../src/commands/shared/idempotency.js';
import { runIdempotent } from '../../../src/http/idempotent.js';
import { idempotentCommands } from '../../../src/http/middleware/idempotent-commands.js';
import { loadOpenApi } from '../../../src/http/openapi/load.js';
import { idempotencyHandling, IDEMPOTENCY_KEY_PARAM, matchedOperation, matchOperations } from '../../../src/http/openapi/matched-operation.js';
import type { ContractOperation } from '../../../src/http/openapi/operation-table.js';
import { roleAlternatives } from '../../../src/http/openapi/security-gate.js';

const doc = loadOpenApi();
const COMMANDS = ['post', 'patch', 'delete'];

/** Every operation of the served contract, with a concrete path for it. */
const operations = Object.entries(doc.paths).flatMap(([template, item]) =>
  ['get', 'post', 'put', 'patch', 'delete']
    .filter((m) => item[m] !== undefined)
    .map((method) => ({ template, method, op: item[method] as ContractOperation, path: template.replace(/\{[^}]+\}/g, '100000000001') })),
);
const authenticated = (op: ContractOperation) => roleAlternatives((op.security ?? doc.security) as Record<string, string[]>[] | undefined) !== null;

/** A store that records the keys claimed through it (every claim is new). */
function recordingStore() {
  const claims: string[] = [];
  const store = {
    claim: async (_user: string, scope: string) => (claims.push(scope), { kind: 'new' as const }),
    complete: async () => undefined,
    releaseEventually: async () => undefined,
  } as unknown as IdempotencyStore;
  return { store, claims };
}

/** A request for the operation, by a signed-in user, with an Idempotency-Key, matched as the app matches it. */
function keyedRequest(method: string, path: string): { req: Request; res: Response } {
  const res = { locals: {}, once: () => res, json: () => res, statusCode: 200 } as unknown as Response;
  const req = {
    method: method.toUpperCase(),
    path,
    headers: { 'idempotency-key': 'k-1' },
    body: {},
    principal: { user_id: 'u1', email: 'u@example.com', roles: ['staff', 'auditor'], is_staff: true, session_id: 's' },
    res,
  } as unknown as Request;
  matchOperations(doc)(req, res, () => undefined);
  return { req, res };
}

describe('Idempotency-Key: the contract and the runtime agree', () => {
  it('every authenticated POST, PATCH and DELETE declares the key, and no other operation does', () => {
    const commands = operations.filter((o) => COMMANDS.includes(o.method));
    expect(commands.length).to.be.greaterThan(30);
    for (const { template, method, op } of operations) {
      const expected = COMMANDS.includes(method) && authenticated(op);
      expect(idempotencyHandling(op) !== 'none', `${method.toUpperCase()} ${template}`).to.equal(expected);
    }
  });

  it('x-idempotency says only `route`, and only on operations that declare the key', () => {
    const marked = operations.filter((o) => o.op['x-idempotency'] !== undefined);
    expect(marked.map((o) => `${o.method.toUpperCase()} ${o.template}`)).to.include('POST /transfers/internal');
    for (const { template, method, op } of marked) {
      expect(op['x-idempotency'], `${method} ${template}`).to.equal('route');
      expect((op.parameters ?? []).some((p) => (p as { $ref?: string }).$ref === IDEMPOTENCY_KEY_PARAM), `${method} ${template} declares the key`).to.equal(true);
    }
  });

  it('the middleware claims the key of every keyed operation the contract leaves to the service, and of no other', async () => {
    for (const { template, method, op, path } of operations) {
      const { store, claims } = recordingStore();
      const { req, res } = keyedRequest(method, path);
      expect(matchedOperation(res)?.entry, `${path} is matched to ${method} ${template}`).to.include({ template, method });
      await new Promise<void>((resolve, reject) => idempotentCommands(store)(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve())));
      const expected = idempotencyHandling(op) === 'service' ? [`${method.toUpperCase()} ${template}`] : [];
      expect(claims, `${method.toUpperCase()} ${template}`).to.deep.equal(expected);
    }
  });

  it('a route may run the key itself only where the contract says x-idempotency: route', async () => {
    let routeRun = 0;
    for (const { template, method, op, path } of operations.filter((o) => COMMANDS.includes(o.method))) {
      const { store, claims } = recordingStore();
      const { req } = keyedRequest(method, path);
      const run = runIdempotent(store, req, 'scope', async () => ({ status: 201, body: {} }));
      if (idempotencyHandling(op) === 'route') {
        expect((await run).status, `${method} ${template}`).to.equal(201);
        expect(claims, `${method} ${template}`).to.deep.equal(['scope']);
        routeRun++;
      } else {
        await run.then(
          () => expect.fail(`${method.toUpperCase()} ${template} is not x-idempotency: route, yet its route could run the key`),
          (error: Error) => expect(error.message).to.match(/x-idempotency: route/),
        );
      }
    }
    expect(routeRun).to.equal(5);
  });
});
