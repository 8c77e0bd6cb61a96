import { isPublicIp, normalizeIp } from '../domain/security/ip-list.js';
import { readCountryTables } from './geoip-tables.js';

/** The ISO-3166 alpha-2 country of an address, or null (non-public address, or unknown). */
export interface CountryLookup {
  country(ip: string | null): Promise<string | null>;
}

type Fetch = typeof fetch;
type Offline = (ip: string) => string | null;

const CACHE_SIZE = 512;
const IPINFO_TIMEOUT_MS = 1_000;
const ISO2 = /^[A-Z]{2}$/;

/**
 * Offline lookups in the geoip-country tables (GEOIP_DATA_DIR, default the
 * installed package's, read on the first public address); with an ipinfo.io
 * token, ipinfo first (1 s timeout) and the offline answer when it fails.
 * Answers, empty ones included, are kept in a small LRU.
 */
export function createCountryLookup(
  options: {
    ipinfoToken?: string | undefined;
    dataDir?: string | undefined;
    /** Told once when the offline tables cannot be read (every offline answer is then null). */
    onUnavailable?: (error: unknown) => void;
    fetch?: Fetch;
    offline?: () => Promise<Offline>;
  } = {},
): CountryLookup {
  const cache = new Map<string, string | null>();
  let offline: Promise<Offline> | undefined;
  const readTables = options.offline ?? (async () => readCountryTables(options.dataDir));
  const loadOffline = () =>
    readTables().catch((error: unknown) => {
      options.onUnavailable?.(error);
      throw error;
    });
  const doFetch = options.fetch ?? fetch;

  const online = async (ip: string): Promise<string | null> => {
    if (!options.ipinfoToken) return null;
    try {
      const res = await doFetch(`https://ipinfo.io/${encodeURIComponent(ip)}/json`, {
        headers: { authorization: `Bearer ${options.ipinfoToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(IPINFO_TIMEOUT_MS),
      });
      if (!res.ok) return null;
      const body = (await res.json()) as { country?: unknown };
      return typeof body.country === 'string' && ISO2.test(body.country) ? body.country : null;
    } catch {
      return null;
    }
  };

  return {
    async country(raw) {
      if (raw === null) return null;
      const ip = normalizeIp(raw);
      if (!isPublicIp(ip)) return null;
      if (cache.has(ip)) {
        const hit = cache.get(ip) ?? null;
        cache.delete(ip);
        cache.set(ip, hit);
        return hit;
      }
      let country = await online(ip);
      if (country === null) {
        try {
          offline ??= loadOffline();
          country = (await offline)(ip);
        } catch {
          country = null;
        }
      }
      cache.set(ip, country);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return country;
    },
  };
}
