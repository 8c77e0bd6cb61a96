import type { Evidence, IncidentEvent, IncidentStatus, Severity } from './events.js';

export interface IncidentState {
  exists: boolean;
  incident_id: string;
  rule: string;
  severity: Severity;
  status: IncidentStatus;
  user_id: string | null;
  account_number: string | null;
  ip: string | null;
  evidence: Evidence;
  raised_at: string;
  acknowledged: { by: string; note: string; at: string } | null;
  resolved: { by: string; note: string; at: string } | null;
}

export const initialIncidentState: IncidentState = {
  exists: false,
  incident_id: '',
  rule: '',
  severity: 'low',
  status: 'open',
  user_id: null,
  account_number: null,
  ip: null,
  evidence: {},
  raised_at: '',
  acknowledged: null,
  resolved: null,
};

export function evolveIncident(state: IncidentState, event: IncidentEvent): IncidentState {
  switch (event.type) {
    case 'IncidentRaised':
      return { ...initialIncidentState, ...event.data, exists: true, status: 'open' };
    case 'IncidentAcknowledged':
      return { ...state, status: 'acknowledged', acknowledged: event.data };
    case 'IncidentResolved':
      return { ...state, status: 'resolved', resolved: event.data };
  }
}
