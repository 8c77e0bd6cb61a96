import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Request, Response } from 'express';
import type { OidcFlow } from '../../infra/oidc-relying-party.js';

export const FLOW_COOKIE = 'nexus_oidc_flow';
const PATH = '/auth/social';
/** How long a sign-in may take at the provider. */
const FLOW_TTL_SECONDS = 600;

/**
 * The sign-in's state, nonce and PKCE verifier between its start and the
 * provider's answer, in the browser that started it: an encrypted and
 * authenticated JWT (A256GCM under a key derived from JWT_SECRET), httpOnly,
 * SameSite=Lax (sent on the provider's top-level redirect back), Secure in
 * production, scoped to /auth/social and valid 10 minutes. The client never
 * sees the verifier and cannot forge or alter the cookie; an answer whose
 * state differs from the cookie's is refused.
 */
export class FlowCookie {
  private readonly key: Uint8Array;

  constructor(
    jwtSecret: string,
    private readonly secure: boolean,
  ) {
    this.key = new Uint8Array(hkdfSync('sha256', jwtSecret, 'nexus-bank', 'oidc flow cookie', 32));
  }

  async set(res: Response, flow: OidcFlow, now: Date): Promise<void> {
    const iat = Math.floor(now.getTime() / 1000);
    const sealed = await new EncryptJWT({ ...flow }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt(iat).setExpirationTime(iat + FLOW_TTL_SECONDS).encrypt(this.key);
    res.cookie(FLOW_COOKIE, sealed, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: PATH, maxAge: FLOW_TTL_SECONDS * 1000 });
  }

  /** The flow of this browser's sign-in; undefined when the cookie is missing, expired, altered or forged. */
  async read(req: Request): Promise<OidcFlow | undefined> {
    const raw = cookieValue(req.headers.cookie, FLOW_COOKIE);
    if (!raw) return undefined;
    try {
      const { payload } = await jwtDecrypt(raw, this.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      const { state, nonce, code_verifier } = payload;
      if (typeof state !== 'string' || typeof nonce !== 'string' || typeof code_verifier !== 'string') return undefined;
      return { state, nonce, code_verifier };
    } catch {
      return undefined;
    }
  }

  /** The flow is used once: the answer to it clears the cookie, whatever the outcome. */
  clear(res: Response): void {
    res.clearCookie(FLOW_COOKIE, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: PATH });
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
