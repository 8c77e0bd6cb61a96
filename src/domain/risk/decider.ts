import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/event.js';
import type { IncidentCommand } from './commands.js';
import type { IncidentEvent } from './events.js';
import { evolveIncident, initialIncidentState, type IncidentState } from './state.js';

const incidentNotFound = () => new DomainError('incident_not_found', 'Incident not found.', 404);
const illegal = (from: string, to: string) =>
  new DomainError('illegal_transition', `An ${from} incident cannot become ${to}.`, 409, { current_status: from });

/**
 * open → acknowledged → resolved, or open → resolved. Raising an incident that
 * exists yields nothing (the risk process may replay the event that raised it).
 */
export function decideIncident(command: IncidentCommand, state: IncidentState): IncidentEvent[] {
  switch (command.type) {
    case 'RaiseIncident':
      if (state.exists) return [];
      return [{
        type: 'IncidentRaised',
        data: {
          incident_id: command.incident_id,
          rule: command.rule,
          severity: command.severity,
          user_id: command.user_id,
          account_number: command.account_number,
          ip: command.ip,
          evidence: command.evidence,
          raised_at: command.at.toISOString(),
        },
      }];
    case 'AcknowledgeIncident':
      if (!state.exists) throw incidentNotFound();
      if (state.status !== 'open') throw illegal(state.status, 'acknowledged');
      return [{ type: 'IncidentAcknowledged', data: { by: command.by, note: command.note, at: command.at.toISOString() } }];
    case 'ResolveIncident':
      if (!state.exists) throw incidentNotFound();
      if (state.status === 'resolved') throw illegal(state.status, 'resolved');
      return [{ type: 'IncidentResolved', data: { by: command.by, note: command.note, at: command.at.toISOString() } }];
  }
}

export const incidentDecider: Decider<IncidentCommand, IncidentState, IncidentEvent> = {
  initialState: initialIncidentState,
  evolve: evolveIncident,
  decide: decideIncident,
};

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;
