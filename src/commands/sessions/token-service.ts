import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../../config/config.js';
import { InvalidToken } from '../../domain/sessions/auth-errors.js';

/**
 * Every kind of token is a separate purpose: a token of one kind is never
 * accepted where another is expected.
 */
export type TokenType = 'access' | 'refresh' | 'activation' | 'password_reset' | 'email_reset';

export interface TokenClaims {
  sub: string;
  jti: string;
  token_type: TokenType;
  iat: number;
  exp: number;
  /** Session (refresh-token family) id: access and refresh tokens. */
  sid?: string;
  /** Credentials version of the user when issued: access, refresh, password reset. */
  cv?: number;
  roles?: string[];
  email?: string;
  /** Emailed links: the random nonce whose hash the credentials store keeps until the link is used. */
  nonce?: string;
}

export type ClaimsInput = Pick<TokenClaims, 'sub'> & Partial<Pick<TokenClaims, 'jti' | 'sid' | 'cv' | 'roles' | 'email' | 'nonce'>>;

export interface IssuedToken {
  token: string;
  jti: string;
  expires_at: Date;
}

type TokenConfig = Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience' | 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>;

const ALGORITHM = 'HS256';
/** Verified tokens remembered (a signature check costs more than the rest of a request's auth). */
const VERIFIED_CACHE_LIMIT = 10_000;
const ACTIVATION_TTL_SECONDS = 3 * 86_400;
const RESET_TTL_SECONDS = 3_600;

/**
 * Signs and verifies HS256 JWTs with jose; the algorithm, issuer and audience
 * are pinned. A token that verified is remembered by its exact text until it
 * expires (at most VERIFIED_CACHE_LIMIT of them), so a client's repeated calls
 * pay for the signature once; a token never verified is always checked in full.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, JWTPayload>();

  constructor(private readonly config: TokenConfig) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  ttlSeconds(type: TokenType): number {
    switch (type) {
      case 'access':
        return this.config.accessTokenTtlSeconds;
      case 'refresh':
        return this.config.refreshTokenTtlSeconds;
      case 'activation':
        return ACTIVATION_TTL_SECONDS;
      case 'password_reset':
      case 'email_reset':
        return RESET_TTL_SECONDS;
    }
  }

  async issue(type: TokenType, input: ClaimsInput, now = new Date()): Promise<IssuedToken> {
    const jti = input.jti ?? randomUUID();
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds(type);
    const payload: JWTPayload = { token_type: type };
    if (input.sid !== undefined) payload.sid = input.sid;
    if (input.cv !== undefined) payload.cv = input.cv;
    if (input.roles !== undefined) payload.roles = input.roles;
    if (input.email !== undefined) payload.email = input.email;
    if (input.nonce !== undefined) payload.nonce = input.nonce;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(input.sub)
      .setJti(jti)
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, jti, expires_at: new Date(exp * 1000) };
  }

  /** The claims of a valid token of one of the `expected` kinds; InvalidToken otherwise. */
  async verify(token: string, ...expected: TokenType[]): Promise<TokenClaims> {
    const payload = await this.verifiedPayload(token);
    const type = payload.token_type;
    if (typeof type !== 'string' || !expected.includes(type as TokenType)) throw new InvalidToken('Token has wrong type');
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') throw new InvalidToken();
    if (payload.sid !== undefined && typeof payload.sid !== 'string') throw new InvalidToken();
    if (payload.cv !== undefined && !Number.isInteger(payload.cv)) throw new InvalidToken();
    return {
      sub: payload.sub,
      jti: payload.jti,
      token_type: type as TokenType,
      iat: payload.iat!,
      exp: payload.exp!,
      ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
      ...(typeof payload.cv === 'number' ? { cv: payload.cv } : {}),
      ...(Array.isArray(payload.roles) ? { roles: payload.roles.filter((r): r is string => typeof r === 'string') } : {}),
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      ...(typeof payload.nonce === 'string' ? { nonce: payload.nonce } : {}),
    };
  }

  private async verifiedPayload(token: string): Promise<JWTPayload> {
    const remembered = this.verified.get(token);
    if (remembered) {
      if (remembered.exp! > Date.now() / 1000) return remembered;
      this.verified.delete(token);
      throw new InvalidToken();
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'token_type'],
      }));
    } catch {
      throw new InvalidToken();
    }
    // Only tokens already valid (no nbf still ahead) are kept: from then on only exp can end them.
    if (payload.nbf === undefined) {
      if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, payload);
    }
    return payload;
  }
}
