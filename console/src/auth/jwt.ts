/** The claims the console reads from its access token (never trusted for security: the API checks every call). */
export interface AccessClaims {
  sub: string;
  email?: string;
  roles: string[];
  exp: number;
  /** Issued at (seconds): with exp it gives the token's lifetime, which does not depend on the browser's clock. */
  iat: number;
}

export function decodeAccess(token: string): AccessClaims {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  const claims = JSON.parse(json) as Partial<AccessClaims>;
  return { sub: String(claims.sub ?? ''), email: claims.email, roles: Array.isArray(claims.roles) ? claims.roles : [], exp: Number(claims.exp ?? 0), iat: Number(claims.iat ?? 0) };
}
