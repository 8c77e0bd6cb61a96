import { expect } from 'chai';
import { startCluster, type Cluster } from '../helpers/processes.js';
import { freePort } from '../helpers/service.js';

describe('projector process health port (PROJECTOR_HEALTH_PORT)', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let health: string;

  before(async () => {
    const port = await freePort();
    health = `http://127.0.0.1:${port}`;
    cluster = await startCluster({ sharedPostgres: true, env: { PROJECTOR_HEALTH_PORT: String(port) } });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('answers GET /health with 200 while the projector runs, 404 for anything else, and nothing once it stopped', async () => {
    const res = await fetch(`${health}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
    expect((await fetch(`${health}/metrics`)).status).to.equal(404);
    await cluster.projector.stop();
    const after = await fetch(`${health}/health`).then((r) => r.status, (e: Error) => e.message);
    expect(after).to.match(/fetch failed/);
  });
});
