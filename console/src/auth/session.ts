import createClient from 'openapi-fetch';
import type { components, paths } from '../../../src/http/generated/openapi.ts';
import { decodeAccess, type AccessClaims } from './jwt.ts';

type Schemas = components['schemas'];
export type Role = 'staff' | 'auditor';
export type SignOutReason = 'signed-out' | 'idle' | 'expired';

/** Auth calls go through their own client: the pages' client (api/client.ts) adds the token and refreshes through this module. */
const authApi = createClient<paths>({ baseUrl: '' });

interface State {
  access: string;
  claims: AccessClaims;
}

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;

let state: State | null = null;
let lastReason: SignOutReason | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

const notify = () => listeners.forEach((fn) => fn());

function adopt(access: string): void {
  const claims = decodeAccess(access);
  state = { access, claims };
  lastReason = null;
  clearTimeout(refreshTimer);
  // From the token's own lifetime, counted from now: a browser clock that is off (or a test's fake
  // clock) must neither refresh in a loop nor let the token lapse.
  const lifetime = claims.iat > 0 ? (claims.exp - claims.iat) * 1000 : claims.exp * 1000 - Date.now();
  const wait = Math.max(5_000, lifetime - REFRESH_AHEAD_MS);
  refreshTimer = setTimeout(() => void session.refresh(), wait);
  notify();
}

function drop(reason: SignOutReason): void {
  clearTimeout(refreshTimer);
  state = null;
  lastReason = reason;
  notify();
}

/**
 * The signed-in staff member, in memory only: the access token is never put in
 * localStorage or sessionStorage. The refresh token is an httpOnly, SameSite=Strict
 * cookie the service sets for the console (/auth/console/*), so a reload signs in
 * again silently and no script can read it.
 */
export const session = {
  accessToken: (): string | null => state?.access ?? null,
  claims: (): AccessClaims | null => state?.claims ?? null,
  /** Why the last session ended (shown on the sign-in page), null while signed in or never signed in. */
  lastReason: (): SignOutReason | null => lastReason,
  hasRole: (role: Role): boolean => state?.claims.roles.includes(role) ?? false,
  /** staff, else auditor, else null (a customer may not use the console). */
  role(): Role | null {
    if (this.hasRole('staff')) return 'staff';
    if (this.hasRole('auditor')) return 'auditor';
    return null;
  },
  subscribe(fn: () => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },

  /** Step 1: password. The API answers 202 with the second factor it wants (an e-mailed code or the authenticator app). */
  async start(email: string, password: string) {
    return authApi.POST('/auth/login/init', { body: { email, password } });
  },

  /** Step 2: the code. On success the service sets the refresh cookie and the console keeps the access token in memory. */
  async verify(email: string, code: string) {
    const result = await authApi.POST('/auth/console/login', { body: { email, code } });
    if (result.data) adopt(result.data.access);
    return result;
  },

  /** A silent refresh through the cookie (one at a time); false when there is no session to refresh. */
  refresh(): Promise<boolean> {
    inFlight ??= (async () => {
      try {
        // One refresh at a time across the browser's tabs: two tabs spending the same cookie at once
        // would look like a stolen refresh token (reuse revokes the session). Behind the lock, the
        // second tab sends the cookie the first one got.
        const spend = () => authApi.POST('/auth/console/refresh', { body: {} });
        const { data } = navigator.locks ? await navigator.locks.request('nexus-console-refresh', spend) : await spend();
        if (data) {
          adopt(data.access);
          return true;
        }
        if (state) drop('expired');
        return false;
      } catch {
        return false;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  },

  /** Ends the session on the service (its refresh cookie is cleared) and forgets the token. */
  async signOut(reason: SignOutReason = 'signed-out'): Promise<void> {
    await authApi.POST('/auth/console/logout', { body: {} }).catch(() => undefined);
    drop(reason);
  },
};

export type LoginChallenge = Schemas['LoginChallenge'];
