import { expect } from 'chai';
import express from 'express';
import { pino } from 'pino';
import type { Role } from '../../../src/http/auth/principal.js';
import { errorHandler } from '../../../src/http/middleware/errors.js';
import type { OpenApiDocument } from '../../../src/http/openapi/bundle.js';
import { matchOperations } from '../../../src/http/openapi/matched-operation.js';
import { roleAlternatives, securityGate } from '../../../src/http/openapi/security-gate.js';
import { listen } from '../../helpers/listen.js';

const ok = { responses: { '200': { description: 'ok' } } };
const doc: OpenApiDocument = {
  openapi: '3.1.0',
  info: {},
  security: [{ bearer: [] }],
  components: {},
  paths: {
    '/open': { post: { ...ok, security: [] } },
    '/optional': { get: { ...ok, security: [{}, { bearer: [] }] } },
    '/mine': { post: ok },
    '/staff/{id}': { post: { ...ok, security: [{ bearer: ['staff'] }] } },
    '/audit': { get: { ...ok, security: [{ bearer: ['staff'] }, { bearer: ['auditor'] }] } },
    '/both': { get: { ...ok, security: [{ bearer: ['staff', 'auditor'] }] } },
    '/key': { get: { ...ok, security: [{ apiKey: [] }] } },
  },
};

describe('security gate (the contract decides 401/403 before the body)', () => {
  let served: Awaited<ReturnType<typeof listen>>;

  before(async () => {
    const app = express();
    // The test names the caller's roles in a header; "none" is an anonymous caller.
    app.use((req, _res, next) => {
      const roles = String(req.headers['x-roles'] ?? 'none');
      if (roles !== 'none') req.principal = { user_id: 'u', email: 'u@x', roles: roles.split(',').filter(Boolean) as Role[], is_staff: false, session_id: 's' };
      next();
    });
    app.use(matchOperations(doc));
    app.use(securityGate(doc));
    app.use((_req, res) => void res.json({ passed: true }));
    app.use(errorHandler(pino({ level: 'silent' })));
    served = await listen(app);
  });
  after(() => served.close());

  const call = async (method: string, path: string, roles: string) => {
    const res = await fetch(served.base + path, { method, headers: { 'x-roles': roles } });
    return { status: res.status, code: ((await res.json()) as { code?: string }).code };
  };

  it('reads requirements as OpenAPI does: none or an empty one is public, several are alternatives', () => {
    expect(roleAlternatives(undefined)).to.equal(null);
    expect(roleAlternatives([])).to.equal(null);
    expect(roleAlternatives([{}, { bearer: [] }])).to.equal(null);
    expect(roleAlternatives([{ bearer: [] }])).to.deep.equal([[]]);
    expect(roleAlternatives([{ bearer: ['staff'] }, { bearer: ['auditor'] }])).to.deep.equal([['staff'], ['auditor']]);
    expect(roleAlternatives([{ apiKey: [] }])).to.deep.equal([]);
  });

  it('lets anyone call public operations and unknown paths (they are for validation and 404)', async () => {
    expect(await call('POST', '/open', 'none')).to.deep.include({ status: 200 });
    expect(await call('GET', '/optional', 'none')).to.deep.include({ status: 200 });
    expect(await call('GET', '/nowhere', 'none')).to.deep.include({ status: 200 });
    expect(await call('DELETE', '/mine', 'none'), 'a method the contract lacks').to.deep.include({ status: 200 });
  });

  it('answers 401 to anonymous callers of protected operations, with or without roles, and for the default security', async () => {
    for (const [method, path] of [['POST', '/mine'], ['POST', '/staff/1'], ['GET', '/audit'], ['POST', '/mine/']]) {
      expect(await call(method!, path!, 'none'), path).to.deep.equal({ status: 401, code: 'not_authenticated' });
    }
  });

  it('answers 403 unless the caller holds every role of one requirement', async () => {
    expect(await call('POST', '/mine', 'customer')).to.deep.include({ status: 200 });
    expect(await call('POST', '/staff/1', 'customer')).to.deep.equal({ status: 403, code: 'permission_denied' });
    expect(await call('POST', '/staff/1', 'staff')).to.deep.include({ status: 200 });
    expect(await call('GET', '/audit', 'auditor')).to.deep.include({ status: 200 });
    expect(await call('GET', '/audit', 'customer')).to.deep.include({ status: 403 });
    expect(await call('GET', '/both', 'staff')).to.deep.include({ status: 403 });
    expect(await call('GET', '/both', 'auditor,staff')).to.deep.include({ status: 200 });
    expect(await call('GET', '/key', 'staff'), 'a scheme a bearer caller cannot meet').to.deep.include({ status: 403 });
  });
});
