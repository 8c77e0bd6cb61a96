import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { riskKpis } from '../../src/projections/risk/incident-queries.js';
import { riskProjection } from '../../src/projections/risk/risk-projection.js';
import { projectionBench } from '../unit/cards/support/projection-bench.js';

/** The KPIs by scanning every incident, as the read model answered before it kept counters. */
async function scanned(db: Awaited<ReturnType<typeof projectionBench>>['db']) {
  const groups = await db.query<{ rule: string; severity: string; status: string; n: string }>(
    `select rule, severity, status, count(*)::text as n from rm.incidents group by 1, 2, 3 order by 1, 2, 3`,
  );
  const [ips] = await db.query<{ n: string }>(
    `select count(distinct ip)::text as n from rm.incidents where ip is not null and rule <> 'admin_action' and severity in ('medium', 'high', 'critical')`,
  );
  return { groups: groups.map((g) => `${g.rule}/${g.severity}/${g.status}=${g.n}`), ips: Number(ips!.n) };
}

describe('risk KPI counters against a scan of the incidents, over random raises, transitions and erasures', function () {
  this.timeout(120_000);
  let bench: Awaited<ReturnType<typeof projectionBench>>;
  before(async () => {
    bench = await projectionBench(riskProjection);
  });
  after(async () => {
    await bench?.close();
  });

  it('keeps counts per rule, severity and status and the distinct attack IPs equal to the scan, live and after a rebuild', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const users = ['a', 'b', 'c', 'd', 'e'].map(() => randomUUID());
    const incidents: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 25; i++) {
        const id = randomUUID();
        incidents.push(id);
        await bench.append(`incident-${id}`, [{
          type: 'IncidentRaised',
          data: {
            incident_id: id, rule: pick(['brute_force', 'velocity', 'admin_action']), severity: pick(['low', 'medium', 'high', 'critical']),
            user_id: pick([...users, null]), account_number: null, ip: pick(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', null]),
            evidence: {}, raised_at: new Date().toISOString(),
          },
        }]);
      }
      for (let i = 0; i < 10; i++) {
        const type = pick(['IncidentAcknowledged', 'IncidentResolved']);
        await bench.append(`incident-${pick(incidents)}`, [{ type, data: { by: 'staff', note: '', at: new Date().toISOString() } }]);
      }
      await bench.append(`user-${pick(users)}`, [{ type: 'UserErased', data: { erased_at: new Date().toISOString() } }]);
      const scan = await scanned(bench.db);
      const k = await riskKpis(bench.db);
      const counted = await bench.db.query<{ rule: string; severity: string; status: string; n: string }>(
        `select rule, severity, status, n::text as n from rm.incident_counts where n > 0 order by 1, 2, 3`,
      );
      expect(counted.map((g) => `${g.rule}/${g.severity}/${g.status}=${g.n}`), `round ${round}`).to.deep.equal(scan.groups);
      expect(k.unique_attack_ips, `round ${round}`).to.equal(scan.ips);
      expect(k.total_incidents).to.equal(incidents.length);
    }
    const live = await riskKpis(bench.db);
    await bench.db.query('delete from rm.incident_counts; delete from rm.incident_attack_ips');
    await bench.runtime.rebuild('risk');
    expect(await riskKpis(bench.db)).to.deep.equal(live);
  });
});
