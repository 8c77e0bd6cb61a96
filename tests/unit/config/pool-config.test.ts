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
