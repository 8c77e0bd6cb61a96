import type { UserState } from '../../domain/users/state.js';
import type { TokenService } from './token-service.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

/** 'customer' for everyone, 'staff' for staff, plus any extra role the user holds. */
export function rolesOf(user: UserState): string[] {
  return ['customer', ...(user.is_staff ? ['staff'] : []), ...user.roles];
}

/** An access token and the refresh token `refreshJti` of session `sid`, both under the user's credentials version. */
export async function issuePair(tokens: TokenService, user: UserState, sid: string, refreshJti: string, now: Date): Promise<TokenPair> {
  const common = { sub: user.user_id, sid, cv: user.credentials_version };
  const [access, refresh] = await Promise.all([
    tokens.issue('access', { ...common, roles: rolesOf(user), email: user.email }, now),
    tokens.issue('refresh', { ...common, jti: refreshJti }, now),
  ]);
  return { access: access.token, refresh: refresh.token };
}
