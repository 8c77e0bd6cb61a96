import { dispatch } from '../shared/decider.js';
import type { Decider } from '../shared/event.js';
import type { IncidentCommand } from './commands.js';
import { acknowledgeIncident } from './decide/acknowledge-incident.js';
import { raiseIncident } from './decide/raise-incident.js';
import { resolveIncident } from './decide/resolve-incident.js';
import type { IncidentEvent } from './events.js';
import { evolveIncident, initialIncidentState, type IncidentState } from './state.js';

/** The incident aggregate, open → acknowledged → resolved or open → resolved: one decide function per command, in decide/<command>.ts. */
export const decideIncident = dispatch<IncidentCommand, IncidentState, IncidentEvent>({
  RaiseIncident: raiseIncident,
  AcknowledgeIncident: acknowledgeIncident,
  ResolveIncident: resolveIncident,
});

export const incidentDecider: Decider<IncidentCommand, IncidentState, IncidentEvent> = {
  initialState: initialIncidentState,
  evolve: evolveIncident,
  decide: decideIncident,
};

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;
