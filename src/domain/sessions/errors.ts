import { DomainError } from '../shared/domain-error.js';

export const sessionNotFound = () => new DomainError('session_not_found', 'Session not found.', 404);
