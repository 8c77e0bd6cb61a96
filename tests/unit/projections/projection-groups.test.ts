import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { allProjections, selectProjections } from '../../../src/projections/registry.js';
import { E2E_KEYS } from '../../helpers/service.js';

/** One projector per projection group: PROJECTOR_PROJECTIONS picks a process's read models. */
describe('projection groups (PROJECTOR_PROJECTIONS, PROJECTOR_PROCESSES)', () => {
  const base = { NODE_ENV: 'test', ...E2E_KEYS };

  it('keeps every projection by default and only the named ones when told', () => {
    const config = loadConfig(base);
    expect(config.projectorProcesses).to.equal(true);
    expect(selectProjections(config.projectorProjections).map((p) => p.name)).to.deep.equal(allProjections().map((p) => p.name));
    const group = loadConfig({ ...base, PROJECTOR_PROJECTIONS: 'transfers, accounts', PROJECTOR_PROCESSES: 'false' });
    expect(selectProjections(group.projectorProjections).map((p) => p.name)).to.deep.equal(['accounts', 'transfers']);
    expect(group.projectorProcesses).to.equal(false);
  });

  it('refuses a name that is no projection, listing the known ones', () => {
    expect(() => selectProjections(['accounts', 'acounts'])).to.throw(ConfigError, /"acounts".*known: accounts, /);
  });

  it('three groups that cover every projection once', () => {
    const groups = [['accounts', 'transfers'], ['business', 'risk', 'admin', 'users'], ['notifications', 'logins', 'lockouts', 'cards', 'bills']];
    const names = groups.flatMap((g) => selectProjections(g).map((p) => p.name)).sort();
    expect(names).to.deep.equal(allProjections().map((p) => p.name).sort());
  });
});
