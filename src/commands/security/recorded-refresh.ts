import { refreshSession } from '../sessions/refresh-session.js';
import type { TokenPair } from '../sessions/issue-tokens.js';
import type { CommandContext } from '../shared/command-context.js';
import type { AuthDeps } from '../users/auth-deps.js';
import type { Security } from './security.js';

/**
 * A token refresh, recorded whatever its outcome. The user is named only when
 * the presented token's signature holds (an unverified `sub` proves nothing).
 */
export async function recordedRefresh(
  deps: Pick<AuthDeps, 'repo' | 'tokens'>,
  security: Security,
  refreshToken: string,
  context: CommandContext,
  userAgent: string | null,
): Promise<TokenPair> {
  const claims = await deps.tokens.verify(refreshToken, 'refresh').catch(() => undefined);
  const user_id = claims?.sub ?? null;
  try {
    const pair = await refreshSession(deps, refreshToken, context);
    await security.recordAttempt(context, { kind: 'refresh', outcome: 'success', user_id, email: null, user_agent: userAgent, reason: null });
    return pair;
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'refresh_failed';
    await security.recordAttempt(context, { kind: 'refresh', outcome: 'failure', user_id, email: null, user_agent: userAgent, reason });
    throw error;
  }
}
