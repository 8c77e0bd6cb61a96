import type { IncidentCommand } from '../../../src/domain/risk/commands.js';
import { incidentDecider } from '../../../src/domain/risk/decider.js';
import type { IncidentEvent } from '../../../src/domain/risk/events.js';
import { deciderSpec } from '../../helpers/decider-spec.js';

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

const { given } = deciderSpec(incidentDecider, { now: at });

describe('risk: incident decider', () => {
  it('raises once; raising again (a replay) records nothing', () => {
    given().when(raise).then([raised]);
    given(raised).when(raise).then([]);
  });

  it('open → acknowledged → resolved, and open → resolved', () => {
    given(raised).when(ack).then([acked]);
    given(raised, acked).when(resolve).then([resolved]);
    given(raised).when(resolve).then([resolved]);
  });

  it('refuses illegal transitions with 409 and unknown incidents with 404', () => {
    given(raised, acked).when(ack).thenThrows('illegal_transition', 409);
    given(raised, resolved).when(ack).thenThrows('illegal_transition', 409);
    given(raised, acked, resolved).when(resolve).thenThrows('illegal_transition', 409);
    given().when(ack).thenThrows('incident_not_found', 404);
    given().when(resolve).thenThrows('incident_not_found', 404);
  });
});
