import { expect } from 'chai';
import pg from 'pg';
import { isDatabaseUnavailable, ServiceStoppingError, unavailableReason } from '../../../src/infra/database-unavailable.js';
import { databaseLabel } from '../../../src/infra/wait-for-database.js';
import { freePort } from '../../helpers/service.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database unavailability (503, not 500)', () => {
  it('recognises a server going away, a refused or lost connection and an ended pool', () => {
    for (const error of [
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      coded('ECONNRESET'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P03', 'the database system is starting up'),
      coded('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('Cannot use a pool after calling end on the pool'),
      new Error('timeout exceeded when trying to connect'),
      new ServiceStoppingError('idempotency claim'),
      Object.assign(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], ''), { code: undefined }),
      new Error('wrapped', { cause: coded('57P01') }),
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).to.equal(true);
    }
  });

  it('leaves statement errors, business errors and bugs alone', () => {
    for (const error of [coded('23505', 'duplicate key'), coded('40001'), coded('42P01'), new TypeError('x is undefined'), 'text', null, undefined]) {
      expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
    }
  });

  it('recognises what node-postgres really raises for a port nobody listens on', async () => {
    const client = new pg.Client({ connectionString: `postgres://u:secret-pw@127.0.0.1:${await freePort()}/db` });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    expect(isDatabaseUnavailable(error), String(error)).to.equal(true);
    expect(unavailableReason(error)).to.equal('ECONNREFUSED');
  });

  it('labels a database by host, port and name only (no user or password)', () => {
    expect(databaseLabel('postgres://app:secret-pw@db.internal:6543/ledger')).to.equal('db.internal:6543/ledger');
    expect(databaseLabel('postgresql://db/ledger')).to.equal('db:5432/ledger');
  });
});
