import { randomUUID } from 'node:crypto';
import { sessionStream } from '../../domain/sessions/decider.js';
import type { UserState } from '../../domain/users/state.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import type { AuthDeps } from '../users/auth-deps.js';
import { issuePair, type TokenPair } from './issue-tokens.js';
import { sessionAggregate } from './session-aggregate.js';

/** A new session (refresh-token family) of an authenticated user, and its first token pair; `session_id` when the caller named it first (a completed login challenge). */
export async function startSession(deps: Pick<AuthDeps, 'repo' | 'tokens'>, user: UserState, context: CommandContext, session_id: string = randomUUID()): Promise<TokenPair> {
  const jti = randomUUID();
  const expires_at = new Date(context.now.getTime() + deps.tokens.ttlSeconds('refresh') * 1000);
  await deps.repo.execute(
    sessionAggregate,
    sessionStream(session_id),
    { type: 'StartSession', session_id, user_id: user.user_id, jti, expires_at },
    context,
    idsFrom(randomUUID()),
  );
  return issuePair(deps.tokens, user, session_id, jti, context.now);
}
