import { DomainError } from '../shared/domain-error.js';

export const userNotFound = () => new DomainError('user_not_found', 'User not found.', 404);
export const staleToken = () => new DomainError('stale_token', 'Stale token for given user.', 403);
export const emailTaken = () =>
  new DomainError('email_taken', 'A user with that email already exists.', 400, {
    errors: [{ field: 'body.email', message: 'A user with that email already exists.' }],
  });
