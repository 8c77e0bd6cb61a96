import { expect } from 'chai';
import { ConfigError, DEFAULT_DATABASE_POOL_SIZE, loadConfig } from '../../../src/config/config.js';
import { E2E_KEYS } from '../../helpers/service.js';

/** Several API processes share one PostgreSQL: each must be told how many connections it may open. */
describe('config: DATABASE_POOL_SIZE', () => {
  const base = { NODE_ENV: 'test', ...E2E_KEYS };

  it('defaults to the pools the service always had, and takes a smaller one for N processes on one server', () => {
    expect(loadConfig(base).databasePoolSize).to.equal(DEFAULT_DATABASE_POOL_SIZE);
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: '20' }).databasePoolSize).to.equal(20);
  });

  it('refuses a size too small for the event store and service pools, or not a whole number', () => {
    for (const bad of ['3', '0', '-5', 'twenty', '7.5']) {
      expect(() => loadConfig({ ...base, DATABASE_POOL_SIZE: bad }), bad).to.throw(ConfigError, /^DATABASE_POOL_SIZE/);
    }
  });
});

/** With several processes on one database, their group-commit batches queue on one append lock: fewer in flight make larger ones. */
describe('config: APPEND_BATCHES_IN_FLIGHT', () => {
  const base = { NODE_ENV: 'test', ...E2E_KEYS };

  it('defaults to 2 and takes 1 for several processes on one database', () => {
    expect(loadConfig(base).appendBatchesInFlight).to.equal(2);
    expect(loadConfig({ ...base, APPEND_BATCHES_IN_FLIGHT: '1' }).appendBatchesInFlight).to.equal(1);
  });

  it('refuses 0, a fraction or a word', () => {
    for (const bad of ['0', '-1', '1.5', 'one', '17']) {
      expect(() => loadConfig({ ...base, APPEND_BATCHES_IN_FLIGHT: bad }), bad).to.throw(ConfigError, /^APPEND_BATCHES_IN_FLIGHT/);
    }
  });
});
