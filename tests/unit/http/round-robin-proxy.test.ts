import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRoundRobinProxy, type ProxyOptions } from '../../helpers/round-robin-proxy.js';

/** The bench's and horizontal test's balancer: round robin, or each client kept on one upstream. */
describe('round-robin proxy (test and bench helper)', () => {
  const upstreams: http.Server[] = [];
  const urls: string[] = [];

  before(async () => {
    for (let i = 0; i < 3; i++) {
      const server = http.createServer((_req, res) => res.end(String(i)));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      upstreams.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  after(async () => {
    for (const s of upstreams) await new Promise<void>((r) => s.close(() => r()));
  });

  async function served(options: ProxyOptions, authorizations: (string | undefined)[]): Promise<string[]> {
    const proxy = await startRoundRobinProxy(urls, options);
    try {
      const out: string[] = [];
      for (const authorization of authorizations) {
        const res = await fetch(proxy.url, { headers: authorization ? { authorization } : {} });
        out.push(await res.text());
      }
      return out;
    } finally {
      await proxy.stop();
    }
  }

  it('sends each request to the next upstream in turn by default, whoever sends it', async () => {
    expect(await served({}, ['Bearer a', 'Bearer a', 'Bearer a', 'Bearer a'])).to.deep.equal(['0', '1', '2', '0']);
  });

  it('with affinity, keeps each Authorization on the upstream its first request went to', async () => {
    const order = ['Bearer a', 'Bearer b', 'Bearer a', 'Bearer c', 'Bearer b', 'Bearer a', 'Bearer c'];
    expect(await served({ affinity: 'authorization' }, order)).to.deep.equal(['0', '1', '0', '2', '1', '0', '2']);
  });

  it('with affinity, still turns round robin for requests without one', async () => {
    expect(await served({ affinity: 'authorization' }, [undefined, 'Bearer a', undefined, 'Bearer a', undefined])).to.deep.equal(['0', '1', '2', '1', '0']);
  });
});
