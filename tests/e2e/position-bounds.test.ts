import { expect } from 'chai';
import { bankSteps, startBank, type BankFixture } from '../helpers/bank.js';
import { expectConforms } from '../helpers/contract.js';
import type { ApiResponse } from '../helpers/http-client.js';

const INT64_MAX = 9223372036854775807n;
const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A 400 problem, as the contract documents it, that names the parameter. */
function expectRefused(template: string, res: ApiResponse, label: string, code: string, parameter: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).to.equal(400);
  expectConforms('GET', template, res);
  expect(res.headers.get('content-type'), label).to.match(/^application\/problem\+json/);
  expect(res.body.code, label).to.equal(code);
  expect(JSON.stringify(res.body.errors ?? []), label).to.contain(`query.${parameter}`);
}

/**
 * Cursors, `from_position` and `min_position` are int64 positions: a value past
 * int64, negative or not a number is a 400 that names the parameter, never a
 * database error (500) or a 5 s wait for a position that cannot exist (503).
 */
describe('position parameters are bounded to int64 (HTTP)', function () {
  this.timeout(120_000);
  let bank: BankFixture;
  let account: string;

  before(async () => {
    bank = await startBank();
    const steps = bankSteps(bank);
    account = await steps.open(bank.alice.access);
    // Lists of the account answer once the read models have it.
    await steps.balanceOf(bank.alice.access, account, await steps.fund(account, '1.000'));
  });
  after(async () => {
    await bank?.svc.stop();
  });

  const lists = () => [
    { template: '/accounts/{account_number}/transactions', path: `/accounts/${account}/transactions/`, token: bank.alice.access },
    { template: '/bill', path: '/bill/', token: bank.alice.access },
    { template: '/notifications', path: '/notifications/', token: bank.alice.access },
    { template: '/admin/accounts', path: '/admin/accounts/', token: bank.staff.access },
    { template: '/risk/incidents', path: '/risk/incidents/', token: bank.staff.access },
    { template: '/risk/logins', path: '/risk/logins/', token: bank.staff.access },
    { template: '/audit/streams/{stream_id}', path: `/audit/streams/account-${account}/`, token: bank.staff.access },
  ];

  it('refuses a cursor past int64, negative or not a number on every cursor list (400 invalid_cursor)', async () => {
    const { svc } = bank;
    for (const { template, path, token } of lists()) {
      // The largest position is a valid cursor; one more is not.
      const edge = await svc.api.get(`${path}?cursor=${cursor(`p:${INT64_MAX}`)}`, { token });
      expect(edge.status, `${path} at int64 max: ${JSON.stringify(edge.body)}`).to.equal(200);
      for (const key of [`${INT64_MAX + 1n}`, '9999999999999999999', '-1', 'x']) {
        const res = await svc.api.get(`${path}?cursor=${cursor(`p:${key}`)}`, { token });
        expectRefused(template, res, `${path} cursor p:${key}`, 'invalid_cursor', 'cursor');
      }
    }
  });

  it('refuses transfer cursors whose amount or position is past int64', async () => {
    const { svc, alice } = bank;
    for (const kind of ['internal', 'external']) {
      const path = `/transfers/${kind}/`;
      const edge = await svc.api.get(`${path}?ordering=amount&cursor=${cursor(`t:amount:${INT64_MAX}:${INT64_MAX}`)}`, { token: alice.access });
      expect(edge.status, `${path} at int64 max: ${JSON.stringify(edge.body)}`).to.equal(200);
      for (const [ordering, text] of [
        ['amount', `t:amount:${INT64_MAX + 1n}:1`],
        ['amount', `t:amount:1:${INT64_MAX + 1n}`],
        ['-created_at', `t:-created_at:0:9999999999999999999`],
        ['-created_at', 't:-created_at:0:-1'],
      ] as const) {
        const res = await svc.api.get(`${path}?ordering=${ordering}&cursor=${cursor(text)}`, { token: alice.access });
        expectRefused(`/transfers/${kind}`, res, `${path} cursor ${text}`, 'invalid_cursor', 'cursor');
      }
    }
  });

  it('refuses from_position past int64, negative or not a number (400 validation_error)', async () => {
    const { svc, staff } = bank;
    const edge = await svc.api.get(`/audit/events/?from_position=${INT64_MAX}`, { token: staff.access });
    expect(edge.status, JSON.stringify(edge.body)).to.equal(200);
    expect(edge.body.results).to.deep.equal([]);
    for (const value of [`${INT64_MAX + 1n}`, '9999999999999999999', '-1', 'abc', '1e3']) {
      const res = await svc.api.get(`/audit/events/?from_position=${value}`, { token: staff.access });
      expectRefused('/audit/events', res, `from_position=${value}`, 'validation_error', 'from_position');
    }
  });

  it('refuses min_position past int64 at once instead of waiting for it (400 validation_error)', async () => {
    const { svc, alice, staff } = bank;
    for (const [path, token] of [['/accounts', alice.access], ['/notifications', alice.access], ['/risk/kpis', staff.access]] as const) {
      for (const value of [`${INT64_MAX + 1n}`, '9999999999999999999', '-1', 'abc']) {
        const started = Date.now();
        const res = await svc.api.get(`${path}?min_position=${value}`, { token });
        expectRefused(path, res, `${path} min_position=${value}`, 'validation_error', 'min_position');
        expect(Date.now() - started, `${path} min_position=${value} answered without waiting`).to.be.below(2_000);
      }
    }
  });
});
