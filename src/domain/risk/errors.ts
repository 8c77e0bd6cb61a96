import { DomainError } from '../shared/domain-error.js';

export const incidentNotFound = () => new DomainError('incident_not_found', 'Incident not found.', 404);
export const illegalTransition = (from: string, to: string) =>
  new DomainError('illegal_transition', `An ${from} incident cannot become ${to}.`, 409, { current_status: from });
