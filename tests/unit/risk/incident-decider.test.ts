import { expect } from 'chai';
import type { IncidentCommand } from '../../../src/domain/risk/commands.js';
import { incidentDecider } from '../../../src/domain/risk/decider.js';
import type { IncidentEvent } from '../../../src/domain/risk/events.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';

const at = new Date('2025-03-01T10:00:00Z');
const raise: IncidentCommand = {
  type: 'RaiseIncident', incident_id: 'i1', rule: 'brute_force', severity: 'high', user_id: 'u1', account_number: null, ip: '203.0.113.9', evidence: { n: 5 }, raised_at: at,
};
const raised: IncidentEvent = {
  type: 'IncidentRaised',
  data: { incident_id: 'i1', rule: 'brute_force', severity: 'high', user_id: 'u1', account_number: null, ip: '203.0.113.9', evidence: { n: 5 }, raised_at: at.toISOString() },
};
const acked: IncidentEvent = { type: 'IncidentAcknowledged', data: { by: 's1', note: 'looking', at: at.toISOString() } };
const resolved: IncidentEvent = { type: 'IncidentResolved', data: { by: 's1', note: 'done', at: at.toISOString() } };
const ack: IncidentCommand = { type: 'AcknowledgeIncident', by: 's1', note: 'looking' };
const resolve: IncidentCommand = { type: 'ResolveIncident', by: 's1', note: 'done' };

function when(events: IncidentEvent[], command: IncidentCommand): IncidentEvent[] | string {
  const state = events.reduce(incidentDecider.evolve, incidentDecider.initialState);
  try {
    return incidentDecider.decide(command, state, { now: at });
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}/${e.status}`;
    throw e;
  }
}

describe('risk: incident decider', () => {
  it('raises once; raising again (a replay) records nothing', () => {
    expect(when([], raise)).to.deep.equal([raised]);
    expect(when([raised], raise)).to.deep.equal([]);
  });

  it('open → acknowledged → resolved, and open → resolved', () => {
    expect(when([raised], ack)).to.deep.equal([acked]);
    expect(when([raised, acked], resolve)).to.deep.equal([resolved]);
    expect(when([raised], resolve)).to.deep.equal([resolved]);
  });

  it('refuses illegal transitions with 409 and unknown incidents with 404', () => {
    expect(when([raised, acked], ack)).to.equal('illegal_transition/409');
    expect(when([raised, resolved], ack)).to.equal('illegal_transition/409');
    expect(when([raised, acked, resolved], resolve)).to.equal('illegal_transition/409');
    expect(when([], ack)).to.equal('incident_not_found/404');
    expect(when([], resolve)).to.equal('incident_not_found/404');
  });
});
