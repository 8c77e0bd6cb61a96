import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { startBank, type BankFixture } from '../helpers/bank.js';
import { expectConforms } from '../helpers/contract.js';

type Requirement = Record<string, string[]>;
interface Operation {
  security?: Requirement[];
  requestBody?: { required?: boolean };
  'x-websocket'?: unknown;
}
interface Doc {
  security?: Requirement[];
  paths: Record<string, Record<string, Operation>>;
}

interface ContractOperation {
  method: string;
  template: string;
  path: string;
  /** null: public; else role sets, one of which the caller must hold entirely. */
  roles: string[][] | null;
  hasBody: boolean;
  /** The body is required (an optional body, such as the console's empty `{}`, accepts `{}`). */
  bodyRequired: boolean;
  /** A WebSocket handshake: a plain GET that passes the checks is a 426. */
  websocket: boolean;
}

// Path parameter values of the right shape, so a request gets past path validation to the route's own guard.
const SAMPLE: Record<string, string> = {
  account_number: '000000000000',
  stream_id: 'account-000000000000',
  name: 'no_such_projection',
};
const sample = (name: string) => SAMPLE[name] ?? '00000000-0000-4000-8000-000000000000';

/** Every operation of the bundled contract with the access its `security` states. */
function operations(): ContractOperation[] {
  const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as Doc;
  const list: ContractOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const requirements = op.security ?? doc.security ?? [];
      const open = requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0);
      list.push({
        method: method.toUpperCase(),
        template,
        path: template.replace(/\{([^}]+)\}/g, (_, name: string) => sample(name)),
        roles: open ? null : requirements.map((r) => r.bearer ?? []),
        hasBody: op.requestBody !== undefined,
        bodyRequired: op.requestBody?.required === true,
        websocket: op['x-websocket'] !== undefined,
      });
    }
  }
  return list;
}

const customerMayCall = (roles: string[][]) => roles.some((set) => set.every((r) => r === 'customer'));

/**
 * The contract's security decides before the body is read: anonymous callers
 * of protected operations get 401 and callers without the operation's role 403,
 * whatever they send; public operations still validate their bodies.
 */
describe('security before validation, for every operation of the contract (HTTP)', function () {
  this.timeout(120_000);
  let bank: BankFixture;
  const all = operations();
  const protectedOps = all.filter((o) => o.roles !== null);

  before(async () => {
    bank = await startBank();
  });
  after(async () => {
    await bank?.svc.stop();
  });

  it('covers the protected writes of the contract', () => {
    const writes = protectedOps.filter((o) => o.method !== 'GET');
    expect(writes.length).to.be.greaterThan(15);
    expect(writes.map((o) => `${o.method} ${o.template}`)).to.include.members(['POST /transfers/internal', 'PATCH /cards/{card_id}', 'POST /admin/accounts/{account_number}/deposit']);
  });

  it('answers an anonymous caller 401 on every protected operation, whatever the body, naming no field', async () => {
    const { svc } = bank;
    for (const op of protectedOps) {
      for (const body of op.hasBody || op.method !== 'GET' ? [{}, { unexpected: 1 }, undefined] : [undefined]) {
        const res = await svc.api.request(op.method, op.path, body);
        const label = `${op.method} ${op.path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`;
        expect(res.status, label).to.equal(401);
        expect(res.headers.get('content-type'), label).to.match(/^application\/problem\+json/);
        expect(res.headers.get('www-authenticate'), label).to.match(/^Bearer/);
        expect(res.body.code, label).to.equal('not_authenticated');
        expect(res.body.errors, label).to.equal(undefined);
        expectConforms(op.method, op.template, res);
      }
    }
  });

  it('answers 401 before reading a body too large or of another type', async () => {
    const { svc } = bank;
    const big = await svc.api.post('/transfers/internal/', undefined, { raw: JSON.stringify({ pad: 'x'.repeat(20_000) }) });
    expect(big.status, JSON.stringify(big.body)).to.equal(401);
    const text = await svc.api.post('/transfers/internal/', undefined, { raw: 'amount=1', headers: { 'content-type': 'text/plain' } });
    expect(text.status, JSON.stringify(text.body)).to.equal(401);
  });

  it('answers a customer 403 on every operation that needs a role, whatever the body', async () => {
    const { svc, alice } = bank;
    const staffOnly = protectedOps.filter((o) => !customerMayCall(o.roles!) && o.roles!.every((set) => set.length > 0));
    expect(staffOnly.length).to.be.greaterThan(20);
    for (const op of staffOnly) {
      const res = await svc.api.request(op.method, op.path, op.method === 'GET' ? undefined : {}, { token: alice.access });
      const label = `${op.method} ${op.path}: ${JSON.stringify(res.body)}`;
      expect(res.status, label).to.equal(403);
      expect(res.body.code, label).to.equal('permission_denied');
      expect(res.body.errors, label).to.equal(undefined);
      expectConforms(op.method, op.template, res);
    }
  });

  it('lets a customer through on every GET that needs no role (so a role the route demands is in the contract)', async () => {
    const { svc, alice } = bank;
    for (const op of protectedOps.filter((o) => o.method === 'GET' && o.roles!.some((set) => set.length === 0))) {
      const res = await svc.api.get(op.path, { token: alice.access });
      expect(res.status, `${op.method} ${op.path}: ${JSON.stringify(res.body)}`).to.be.oneOf(op.websocket ? [426] : [200, 404]);
    }
  });

  it('lets staff through the role check to validation', async () => {
    const { svc, staff } = bank;
    for (const op of protectedOps.filter((o) => o.hasBody && o.roles!.some((set) => set.includes('staff')))) {
      const res = await svc.api.request(op.method, op.path, { unexpected: 1 }, { token: staff.access });
      const label = `${op.method} ${op.path}: ${JSON.stringify(res.body)}`;
      expect(res.status, label).to.be.oneOf([400, 404]);
      if (res.status === 400) expect(res.body.code, label).to.equal('validation_error');
    }
  });

  it('still validates the bodies of public operations (register, login, reset)', async () => {
    const { svc } = bank;
    const publicWrites = all.filter((o) => o.roles === null && o.bodyRequired);
    expect(publicWrites.map((o) => o.template)).to.include.members(['/auth/users', '/auth/jwt/create', '/auth/users/reset_password']);
    for (const op of publicWrites) {
      const res = await svc.api.request(op.method, op.path, {});
      const label = `${op.method} ${op.path}: ${JSON.stringify(res.body)}`;
      expect(res.status, label).to.equal(400);
      expect(res.body.code, label).to.equal('validation_error');
      expect(res.body.errors, label).to.be.an('array').that.is.not.empty;
      expectConforms(op.method, op.template, res);
    }
  });
});
