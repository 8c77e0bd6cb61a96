import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { E2E_KEYS } from '../../helpers/service.js';

/** Behind a load balancer the service must keep idle connections longer than the balancer does. */
describe('config: HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', () => {
  const base = { NODE_ENV: 'test', ...E2E_KEYS };

  it('defaults to 5 s and takes a longer one for a balancer with a longer idle timeout', () => {
    expect(loadConfig(base).httpKeepAliveTimeoutSeconds).to.equal(5);
    expect(loadConfig({ ...base, HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '65' }).httpKeepAliveTimeoutSeconds).to.equal(65);
  });

  it('refuses zero, more than an hour, or not a whole number', () => {
    for (const bad of ['0', '3601', '-1', 'sixty', '7.5']) {
      expect(() => loadConfig({ ...base, HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: bad }), bad).to.throw(ConfigError, /^HTTP_KEEP_ALIVE_TIMEOUT_SECONDS/);
    }
  });
});
