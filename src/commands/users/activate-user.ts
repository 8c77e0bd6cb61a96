import { randomUUID } from 'node:crypto';
import { DomainError } from '../../domain/shared/domain-error.js';
import { userStream } from '../../domain/users/decider.js';
import { staleToken } from '../../domain/users/errors.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { TokenClaims, TokenType } from '../sessions/token-service.js';
import type { AuthDeps } from './auth-deps.js';
import { consumeLinkNonce } from './link-nonces.js';
import { loadUser, userAggregate } from './load-user.js';
import { sendActivatedMail } from './user-mails.js';

export const invalidLink = (field: 'uid' | 'token') =>
  new DomainError('invalid_token', field === 'uid' ? "Invalid user id or user doesn't exist." : 'Invalid token for given user.', 400, {
    errors: [{ field: `body.${field}`, message: field === 'uid' ? "Invalid user id or user doesn't exist." : 'Invalid token for given user.' }],
  });

/** The claims of an emailed link's token, which must be of `type` and for `uid`; 400 otherwise. */
export async function verifyLink(deps: Pick<AuthDeps, 'tokens'>, type: TokenType, uid: string, token: string): Promise<TokenClaims> {
  let claims: TokenClaims;
  try {
    claims = await deps.tokens.verify(token, type);
  } catch {
    throw invalidLink('token');
  }
  if (claims.sub !== uid) throw invalidLink('token');
  return claims;
}

/**
 * Activates the user of an activation link. The link's nonce is consumed, so
 * it works once: a used link is stale (403), a superseded (resent) or forged
 * one invalid (400).
 */
export async function activateUser(deps: AuthDeps, uid: string, token: string, context: CommandContext): Promise<void> {
  const claims = await verifyLink(deps, 'activation', uid, token);
  const user = await loadUser(deps.repo, uid);
  if (!user.exists || user.erased) throw invalidLink('uid');
  if (user.activated) throw staleToken();
  if (!(await consumeLinkNonce(deps.credentials, uid, 'activation', claims.nonce))) throw invalidLink('token');
  try {
    const { state } = await deps.repo.execute(userAggregate, userStream(uid), { type: 'ActivateUser' }, context, idsFrom(randomUUID()));
    sendActivatedMail(deps, state.email);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'user_not_found') throw invalidLink('uid');
    throw error;
  }
}
