import { expect } from 'chai';
import type { SessionStatus } from '../../../src/commands/sessions/session-status.js';
import { initialSessionState } from '../../../src/domain/sessions/state.js';
import { initialUserState } from '../../../src/domain/users/state.js';
import { SessionCache } from '../../../src/http/auth/session-cache.js';

describe('session status cache', () => {
  let now = 0;
  let reads = 0;
  let live = true;
  const load = async (): Promise<SessionStatus> => {
    reads++;
    return { live, user: initialUserState, session: initialSessionState };
  };
  const cache = () => new SessionCache(1_000, load, () => now);

  beforeEach(() => {
    now = 0;
    reads = 0;
    live = true;
  });

  it('reads once per session per second and sees a revocation after the TTL', async () => {
    const c = cache();
    expect((await c.get('s1', 'u1')).live).to.equal(true);
    live = false;
    now = 999;
    expect((await c.get('s1', 'u1')).live).to.equal(true);
    expect(reads).to.equal(1);
    now = 1_000;
    expect((await c.get('s1', 'u1')).live).to.equal(false);
    expect(reads).to.equal(2);
  });

  it('shares one read between concurrent lookups and keys by session and user', async () => {
    const c = cache();
    await Promise.all([c.get('s1', 'u1'), c.get('s1', 'u1'), c.get('s1', 'u1')]);
    expect(reads).to.equal(1);
    await c.get('s1', 'u2');
    await c.get('s2', 'u1');
    expect(reads).to.equal(3);
  });

  it('forgets a session at once when told', async () => {
    const c = cache();
    await c.get('s1', 'u1');
    live = false;
    c.forget('s1');
    expect((await c.get('s1', 'u1')).live).to.equal(false);
    expect(reads).to.equal(2);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const c = new SessionCache(1_000, async () => {
      reads++;
      if (fail) throw new Error('store down');
      return { live: true, user: initialUserState, session: initialSessionState };
    }, () => now);
    await c.get('s1', 'u1').then(() => expect.fail('should fail'), (e: Error) => expect(e.message).to.equal('store down'));
    fail = false;
    expect((await c.get('s1', 'u1')).live).to.equal(true);
    expect(reads).to.equal(2);
  });
});
