import { isIP } from 'node:net';
import { join } from 'node:path';
import { devSecrets, type DevSecrets } from './dev-secrets.js';
import { secretProblem } from './secret-policy.js';

/**
 * Configuration from the environment, validated once at start. Every variable
 * is listed in .env.example. A bad value stops the process with a message that
 * names the variable.
 */
/** Connections of one process to DATABASE_URL unless DATABASE_POOL_SIZE says otherwise (40 event store + 20 service). */
export const DEFAULT_DATABASE_POOL_SIZE = 60;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  debug: boolean;
  port: number;
  host: string;
  /** PostgreSQL for the event store (when no EVENTSTORE_URL) and the read models. */
  databaseUrl: string | undefined;
  /** EventStoreDB / KurrentDB connection string (esdb:// or kurrentdb://). */
  eventstoreUrl: string | undefined;
  /** Folder of the embedded PGlite database when DATABASE_URL is unset. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Signs tokens. Production: from the environment, checked by the secret policy; otherwise kept in the data folder. */
  jwtSecret: string;
  /** Wraps the per-user data keys that encrypt personal fields (32 bytes). */
  dataMasterKey: Buffer;
  /** Keys the HMAC of normalized emails that email lookups and uniqueness use (32 bytes). */
  emailHashKey: Buffer;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  frontendUrl: string;
  /** smtp: EMAIL_HOST; outbox: .eml files in `outboxDir` (never in production); drop: send nothing. */
  emailMode: 'smtp' | 'outbox' | 'drop';
  emailHost: string | undefined;
  emailPort: number;
  emailFrom: string;
  outboxDir: string;
  corsOrigins: string[];
  trustProxy: string[];
  projectorInProcess: boolean;
  /** Sub-streams of each of the bank's own accounts (cash, fees, FX per currency). */
  bankStreamShards: number;
  /** Transfers in one multi-stream commit (commands/transfers/atomic-transfers.ts reads it). */
  transferAtomicCommit: boolean;
  /** `npm run projector`: the read models this projector process keeps (names of src/projections/registry.ts); empty: all. */
  projectorProjections: string[];
  /** `npm run projector`: whether this projector process also runs the settlement, hold expiry and risk processes and the checkpoints. */
  projectorProcesses: boolean;
  /** Least time between the starts of two projector batches that were not full (ms). */
  projectorBatchGapMs: number;
  /** How long a high-value transfer's e-mailed code, and the hold on its money, last (seconds). */
  transferCodeTtlSeconds: number;
  /** How long an Idempotency-Key is remembered (hours); older ones are pruned. */
  idempotencyKeyTtlHours: number;
  /**
   * Whether POST /auth/jwt/create (email and password alone) gives tokens:
   * `allow`, or `refuse` (403 second_factor_required: use /auth/login/init/).
   * Whatever it says, staff in production and users with an authenticator app
   * always need the second factor.
   */
  passwordOnlyLogin: 'allow' | 'refuse';
  /** How long a mailed login code (and its challenge) lasts (seconds). */
  loginCodeTtlSeconds: number;
  /** Port of the projector process's GET /health (`npm run projector`); unset: none. */
  projectorHealthPort: number | undefined;
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before they are answered 503 (seconds). */
  shutdownGraceSeconds: number;
  /** At start, how long to keep trying to reach DATABASE_URL before giving up with exit code 1 (seconds). */
  databaseConnectTimeoutSeconds: number;
  /**
   * How long an idle keep-alive connection stays open (seconds). Behind a load
   * balancer it must exceed the balancer's own idle timeout, or the balancer may
   * send a request on a connection the service is closing (a 502).
   */
  httpKeepAliveTimeoutSeconds: number;
  /**
   * Most connections this process opens to DATABASE_URL (event store and service pools together):
   * N processes on one server need N × this below its max_connections.
   */
  databasePoolSize: number;
  /**
   * Group-commit batches of this process's PostgreSQL event store waiting on or holding the append
   * lock at once: 2 lets one batch gather while another commits; with several API processes on
   * one database, 1 (the processes' batches queue on the same lock, and fewer make larger ones).
   */
  appendBatchesInFlight: number;
  security: SecurityConfig;
  observability: ObservabilityConfig;
  /** Sign-in through an OpenID Connect provider; undefined (the feature off) when OIDC_ISSUER_URL is unset. */
  oidc: OidcConfig | undefined;
}

/** /metrics and /health/ready. */
export interface ObservabilityConfig {
  /** Bearer token GET /metrics asks for; unset: open outside production, off (404) in production. */
  metricsToken: string | undefined;
  /** /health/ready answers 503 when a read model is more events behind the head than this... */
  readyMaxLagEvents: number;
  /** ...or when the oldest event it has not applied is older than this. */
  readyMaxLagSeconds: number;
}

/** One OpenID Connect provider (Google, Keycloak, Entra ID, …), as registered there for this bank. */
export interface OidcConfig {
  /** Its Issuer Identifier; the metadata comes from `<issuer>/.well-known/openid-configuration`. */
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: this API's /auth/social/complete/ as the public sees it. */
  redirectUri: string;
}

/** Lockouts, rate limits, API keys, blacklisted IPs and geolocation (issue 4). */
export interface SecurityConfig {
  /** Failures from one IP that lock it (axes: 15). */
  lockoutIpFailureLimit: number;
  /** Failures for one email from one IP that lock that pair. */
  lockoutPairFailureLimit: number;
  /** How long a lock lasts, and how long a failure counts (axes: 1 h). */
  lockoutCoolOffSeconds: number;
  rateLimitsEnabled: boolean;
  rateLimitAnonPerMinute: number;
  rateLimitUserPerMinute: number;
  rateLimitLoginPerMinute: number;
  rateLimitPasswordResetPerHour: number;
  allowedApiKeys: string[];
  blacklistedIps: string[];
  ipinfoToken: string | undefined;
  /** Folder with geoip-country's geoip-country.dat and geoip-country6.dat; unset: the installed package's. */
  geoipDataDir: string | undefined;
  /** How often aggregated security hits are appended to the event store. */
  securityHitsFlushSeconds: number;
}

/** One or more bad settings: `problems` has one line per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

/**
 * Reads settings without stopping at the first bad one: `take` returns what its
 * reader returns, or records the problem (and returns undefined); `done` throws
 * one ConfigError listing every problem recorded.
 */
export class ConfigProblems {
  readonly problems: string[] = [];
  take<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return undefined as T;
    }
  }
  add(problem: string): void {
    this.problems.push(problem);
  }
  done<T>(value: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return value;
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A boolean setting's value: true, false, or undefined when unset or not a boolean. */
export function parseBool(value: string | undefined): boolean | undefined {
  const raw = value?.toLowerCase();
  if (raw !== undefined && ['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (raw !== undefined && ['0', 'false', 'no', 'off'].includes(raw)) return false;
  return undefined;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  if (env[name] === undefined || env[name] === '') return fallback;
  const parsed = parseBool(env[name]);
  if (parsed === undefined) throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
  return parsed;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A comma list of IPv4/IPv6 addresses or CIDR blocks. */
function ipList(env: Env, name: string): string[] {
  const entries = list(env, name, []);
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const badBits = bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits);
    if (family === 0 || badBits || rest.length > 0) throw new ConfigError(`${name}: "${entry}" is not an IP address or CIDR block`);
  }
  return entries;
}

/** TRUST_PROXY: addresses, CIDR blocks or Express's names for address ranges. */
function proxyList(env: Env, name: string): string[] {
  const names = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const entries = list(env, name, []);
  const bad = entries.filter((e) => !names.has(e));
  ipList({ [name]: bad.join(',') }, name);
  return entries;
}

/** CORS_ORIGINS: each an origin (scheme, host and optional port; no path). */
function originList(env: Env, name: string, fallback: string[]): string[] {
  const entries = list(env, name, fallback);
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      const u = new URL(entry);
      origin = ['http:', 'https:'].includes(u.protocol) ? u.origin : undefined;
    } catch {
      origin = undefined;
    }
    if (origin === undefined || origin !== entry.replace(/\/$/, '')) throw new ConfigError(`${name}: "${entry}" is not an origin like https://app.example.com`);
  }
  return entries.map((e) => e.replace(/\/$/, ''));
}

const SECRET_HELP = 'generate one with `openssl rand -hex 32`';

/**
 * A secret from the environment. In production it is required and must pass
 * the secret policy; elsewhere an unset one comes from the data folder's
 * secrets file (made once, mode 0600), never from a default in the code.
 */
function secret(env: Env, name: keyof DevSecrets, production: boolean, fromDataFolder: () => DevSecrets): string {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (production) throw new ConfigError(`${name} is required when NODE_ENV=production (${SECRET_HELP})`);
    return fromDataFolder()[name];
  }
  if (production) {
    const problem = secretProblem(raw, 32);
    if (problem) throw new ConfigError(`${name} ${problem} (${SECRET_HELP})`);
  }
  return raw;
}

/** 32 or more bytes, written as hex or base64. */
function keyBytes(name: string, text: string): Buffer {
  const bytes = /^(?:[0-9a-f]{2})+$/i.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length < 32) throw new ConfigError(`${name} must be at least 32 bytes written as hex or base64 (${SECRET_HELP})`);
  if (new Set(bytes).size < 16) throw new ConfigError(`${name} has too little entropy: generate it randomly (${SECRET_HELP})`);
  return bytes;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be ${values.join(' or ')}, got "${raw}"`);
  return raw as T;
}

function emailMode(env: Env, production: boolean, host: string | undefined): Config['emailMode'] {
  const raw = env.EMAIL_MODE || (host ? 'smtp' : production ? undefined : 'outbox');
  if (raw === undefined) {
    throw new ConfigError('EMAIL_HOST is required when NODE_ENV=production (or set EMAIL_MODE=drop to send no mail at all)');
  }
  if (raw !== 'smtp' && raw !== 'outbox' && raw !== 'drop') throw new ConfigError(`EMAIL_MODE must be smtp, outbox or drop, got "${raw}"`);
  if (raw === 'smtp' && !host) throw new ConfigError('EMAIL_MODE=smtp needs EMAIL_HOST');
  // An outbox keeps codes and reset links in files: fine on a laptop, never on a server.
  if (raw === 'outbox' && production) throw new ConfigError('EMAIL_MODE=outbox is for development only; set EMAIL_HOST (or EMAIL_MODE=drop)');
  return raw;
}

const OIDC_VARIABLES = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const;

/** All four OIDC_* variables or none; https only in production (plain http is for a provider on this machine). */
function oidcConfig(env: Env, production: boolean): OidcConfig | undefined {
  const set = OIDC_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '');
  if (set.length === 0) return undefined;
  const missing = OIDC_VARIABLES.filter((name) => !set.includes(name));
  if (missing.length > 0) throw new ConfigError(`OpenID Connect sign-in needs ${missing.join(', ')} as well (or unset ${set.join(', ')})`);
  const protocols = production ? ['https:'] : ['https:', 'http:'];
  const issuerUrl = url(env, 'OIDC_ISSUER_URL', protocols)!;
  const redirectUri = url(env, 'OIDC_REDIRECT_URI', protocols)!;
  if (new URL(redirectUri).hash !== '') throw new ConfigError('OIDC_REDIRECT_URI must not have a fragment');
  return { issuerUrl, clientId: env.OIDC_CLIENT_ID!, clientSecret: env.OIDC_CLIENT_SECRET!, redirectUri };
}

export function loadConfig(env: Env = process.env): Config {
  const c = new ConfigProblems();
  const nodeEnv = (env.NODE_ENV ?? 'development') as Config['nodeEnv'];
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    // Every other check depends on it: stop here.
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  // Unlike the reference, DEBUG defaults to off in production.
  const debug = c.take(() => bool(env, 'DEBUG', nodeEnv !== 'production'));
  const production = nodeEnv === 'production';
  const dataDir = env.DATA_DIR || './data';
  let stored: DevSecrets | undefined;
  const fromDataFolder = (): DevSecrets => {
    try {
      return (stored ??= devSecrets(dataDir));
    } catch (error) {
      throw new ConfigError(`DATA_DIR (${dataDir}): could not read or create its secrets file: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const jwtSecret = c.take(() => {
    const value = secret(env, 'JWT_SECRET', production, fromDataFolder);
    if (value.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
    return value;
  });
  const dataMasterKey = c.take(() => keyBytes('DATA_MASTER_KEY', secret(env, 'DATA_MASTER_KEY', production, fromDataFolder)));
  const emailHashKey = c.take(() => keyBytes('EMAIL_HASH_KEY', secret(env, 'EMAIL_HASH_KEY', production, fromDataFolder)));
  if (dataMasterKey && emailHashKey && dataMasterKey.equals(emailHashKey)) c.add('EMAIL_HASH_KEY must differ from DATA_MASTER_KEY');
  const emailHost = env.EMAIL_HOST || undefined;
  const logLevel = (env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    c.add(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken && production) {
    const problem = secretProblem(metricsToken, 32);
    if (problem) c.add(`METRICS_TOKEN ${problem} (${SECRET_HELP})`);
  }
  return c.done({
    nodeEnv,
    debug,
    port: c.take(() => int(env, 'PORT', 8000, 0, 65535)),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: c.take(() => url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])),
    eventstoreUrl: c.take(() => url(env, 'EVENTSTORE_URL', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:', 'kurrent:'])),
    dataDir,
    logLevel,
    jwtSecret,
    dataMasterKey,
    emailHashKey,
    jwtIssuer: env.JWT_ISSUER ?? 'nexus-bank',
    jwtAudience: env.JWT_AUDIENCE ?? 'nexus-bank-api',
    accessTokenTtlSeconds: c.take(() => int(env, 'ACCESS_TOKEN_TTL_SECONDS', 600, 30, 86_400)),
    refreshTokenTtlSeconds: c.take(() => int(env, 'REFRESH_TOKEN_TTL_SECONDS', 7 * 86_400, 60, 90 * 86_400)),
    frontendUrl: c.take(() => url(env, 'FRONTEND_URL', ['http:', 'https:']) ?? 'http://localhost:3000'),
    emailMode: c.take(() => emailMode(env, production, emailHost)),
    emailHost,
    emailPort: c.take(() => int(env, 'EMAIL_PORT', 25, 1, 65535)),
    emailFrom: env.EMAIL_FROM ?? 'noreply@nexus-bank.local',
    outboxDir: join(dataDir, 'outbox'),
    corsOrigins: c.take(() => originList(env, 'CORS_ORIGINS', ['http://localhost:3000'])),
    trustProxy: c.take(() => proxyList(env, 'TRUST_PROXY')),
    projectorInProcess: c.take(() => bool(env, 'PROJECTOR_IN_PROCESS', true)),
    // Read by commands/accounts/bank-sub-streams.ts (the settlement process, wherever it runs, must agree).
    bankStreamShards: c.take(() => int(env, 'BANK_STREAM_SHARDS', 8, 1, 64)),
    transferAtomicCommit: c.take(() => bool(env, 'TRANSFER_ATOMIC_COMMIT', true)),
    projectorProjections: list(env, 'PROJECTOR_PROJECTIONS', []),
    projectorProcesses: c.take(() => bool(env, 'PROJECTOR_PROCESSES', true)),
    projectorBatchGapMs: c.take(() => int(env, 'PROJECTOR_BATCH_GAP_MS', 50, 0, 5_000)),
    transferCodeTtlSeconds: c.take(() => int(env, 'TRANSFER_CODE_TTL_SECONDS', 300, 1, 3_600)),
    idempotencyKeyTtlHours: c.take(() => int(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24, 1, 24 * 90)),
    passwordOnlyLogin: c.take(() => oneOf(env, 'PASSWORD_ONLY_LOGIN', ['allow', 'refuse'] as const, 'allow')),
    loginCodeTtlSeconds: c.take(() => int(env, 'LOGIN_CODE_TTL_SECONDS', 300, 1, 3_600)),
    projectorHealthPort: c.take(() => env.PROJECTOR_HEALTH_PORT ? int(env, 'PROJECTOR_HEALTH_PORT', 0, 1, 65535) : undefined),
    shutdownGraceSeconds: c.take(() => int(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 600)),
    databaseConnectTimeoutSeconds: c.take(() => int(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 30, 0, 3600)),
    httpKeepAliveTimeoutSeconds: c.take(() => int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 3600)),
    databasePoolSize: c.take(() => int(env, 'DATABASE_POOL_SIZE', DEFAULT_DATABASE_POOL_SIZE, 4, 10_000)),
    appendBatchesInFlight: c.take(() => int(env, 'APPEND_BATCHES_IN_FLIGHT', 2, 1, 16)),
    oidc: c.take(() => oidcConfig(env, production)),
    security: {
      lockoutIpFailureLimit: c.take(() => int(env, 'AXES_FAILURE_LIMIT', 15, 1, 10_000)),
      lockoutPairFailureLimit: c.take(() => int(env, 'LOCKOUT_PAIR_FAILURE_LIMIT', 5, 1, 10_000)),
      lockoutCoolOffSeconds: c.take(() => int(env, 'AXES_COOLOFF_SECONDS', 3600, 1, 30 * 86_400)),
      // Off by default under NODE_ENV=test only, so suites that log in many times from one address stay quiet.
      rateLimitsEnabled: c.take(() => bool(env, 'RATE_LIMITS_ENABLED', nodeEnv !== 'test')),
      rateLimitAnonPerMinute: c.take(() => int(env, 'RATE_LIMIT_ANON_PER_MINUTE', 30, 1, 1_000_000)),
      rateLimitUserPerMinute: c.take(() => int(env, 'RATE_LIMIT_USER_PER_MINUTE', 300, 1, 1_000_000)),
      rateLimitLoginPerMinute: c.take(() => int(env, 'RATE_LIMIT_LOGIN_PER_MINUTE', 5, 1, 1_000_000)),
      rateLimitPasswordResetPerHour: c.take(() => int(env, 'RATE_LIMIT_PASSWORD_RESET_PER_HOUR', 3, 1, 1_000_000)),
      allowedApiKeys: c.take(() => list(env, 'RISK_ALLOWED_API_KEYS', [])),
      blacklistedIps: c.take(() => ipList(env, 'RISK_BLACKLISTED_IPS')),
      ipinfoToken: env.IPINFO_TOKEN || undefined,
      geoipDataDir: env.GEOIP_DATA_DIR || undefined,
      securityHitsFlushSeconds: c.take(() => int(env, 'SECURITY_HITS_FLUSH_SECONDS', 60, 1, 3600)),
    },
    observability: {
      metricsToken,
      readyMaxLagEvents: c.take(() => int(env, 'READY_MAX_LAG_EVENTS', 10_000, 0, 1_000_000_000)),
      readyMaxLagSeconds: c.take(() => int(env, 'READY_MAX_LAG_SECONDS', 60, 1, 86_400)),
    },
  });
}
