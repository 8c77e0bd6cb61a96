import { expect } from 'chai';
import { projectorHealthCheck } from '../../../src/projections/projector-health.js';
import type { ProjectionStatus, RuntimeStatus } from '../../../src/projections/runtime/runtime.js';

const projection = (position: string, lag: string, rebuild: ProjectionStatus['rebuild'] = null): ProjectionStatus => ({
  name: 'accounts',
  version: 1,
  position,
  lag,
  state: rebuild ? 'rebuilding' : 'live',
  rebuild,
  updated_at: null,
});
const status = (...projections: ProjectionStatus[]): RuntimeStatus => ({ head_position: '0', projections, last_error: null });

describe('projector health', () => {
  let clock = 0;
  const now = () => clock;

  it('is healthy while a projection behind the head moves, unhealthy once it stood still for the stall time', async () => {
    clock = 0;
    let current = status(projection('10', '5'));
    const check = projectorHealthCheck(async () => current, 60_000, now);
    expect(await check()).to.deep.equal({ healthy: true });
    clock = 59_000;
    expect((await check()).healthy).to.equal(true);
    clock = 60_000;
    const stalled = await check();
    expect(stalled.healthy).to.equal(false);
    expect(stalled.reason).to.match(/not moving for 60 s while behind: accounts/);
    current = status(projection('12', '3'));
    clock = 61_000;
    expect((await check()).healthy, 'it moved again').to.equal(true);
  });

  it('is healthy when a projection stands still because it has caught up', async () => {
    clock = 0;
    const check = projectorHealthCheck(async () => status(projection('10', '0')), 60_000, now);
    await check();
    clock = 600_000;
    expect(await check()).to.deep.equal({ healthy: true });
  });

  it('counts a rebuild that advances as progress', async () => {
    clock = 0;
    let rebuilt = 100n;
    const check = projectorHealthCheck(async () => status(projection('0', '500', { position: String(rebuilt), target: '500', events: 3 })), 60_000, now);
    await check();
    for (let i = 1; i <= 3; i++) {
      clock = i * 60_000;
      rebuilt += 10n;
      expect((await check()).healthy).to.equal(true);
    }
  });

  it('is unhealthy when its status cannot be read (database unreachable)', async () => {
    const check = projectorHealthCheck(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    expect(await check()).to.deep.equal({ healthy: false, reason: 'status unreadable: connect ECONNREFUSED 127.0.0.1:5432' });
  });
});
