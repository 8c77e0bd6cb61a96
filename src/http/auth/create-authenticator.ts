import type { AppDeps } from '../deps.js';
import type { Authenticator } from './principal.js';

/** Placeholder until JWT authentication lands: every request is anonymous. */
export async function createAuthenticator(_deps: Omit<AppDeps, 'authenticator'>): Promise<Authenticator> {
  return { authenticate: async () => null };
}
