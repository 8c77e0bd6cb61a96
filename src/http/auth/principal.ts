import type { Request } from 'express';

export type Role = 'customer' | 'staff' | 'auditor';

/** The authenticated caller, set on `req.principal` by the authentication middleware. */
export interface Principal {
  user_id: string;
  email: string;
  roles: Role[];
  is_staff: boolean;
  /** The refresh-token family (session) the access token belongs to. */
  session_id: string;
  /** When the access token expires (seconds since the epoch): the live socket closes then. */
  expires_at?: number;
  /** The user's credentials version the token was issued under (a password change makes it stale). */
  credentials_version?: number;
}

/** Verifies a request's credentials; null when it carries none. Throws HttpProblem 401 when they are bad. */
export interface Authenticator {
  authenticate(req: Request): Promise<Principal | null>;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    clientIp?: string;
  }
}
