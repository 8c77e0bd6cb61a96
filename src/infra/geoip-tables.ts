import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { isIP } from 'node:net';

/** The country (ISO-3166 alpha-2) of a public address, or null when the tables have none. */
export type CountryTables = (ip: string) => string | null;

const V4_FILE = 'geoip-country.dat';
const V6_FILE = 'geoip-country6.dat';
/** First and last address (uint32 BE), then the two-letter code. */
const V4_RECORD = 10;
/** First and last /64 prefix (uint64 BE), then the two-letter code. */
const V6_RECORD = 18;
const ISO2 = /^[A-Z]{2}$/;

/** The data folder of the installed geoip-country package (GeoLite2 country tables). */
export function packagedTablesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('geoip-country/package.json')), 'data');
}

class Table<T extends number | bigint> {
  readonly rows: number;
  constructor(
    readonly file: string,
    private readonly buf: Buffer,
    private readonly size: number,
    private readonly read: (buf: Buffer, offset: number) => T,
  ) {
    if (buf.length === 0 || buf.length % size !== 0) throw new Error(`${file}: ${buf.length} bytes is not a whole number of ${size}-byte records`);
    this.rows = buf.length / size;
    // Ranges must be well formed, sorted and disjoint, or the binary search would answer wrongly.
    let previousLast: T | undefined;
    for (let row = 0; row < this.rows; row++) {
      const [first, last, code] = [this.first(row), this.last(row), this.code(row)];
      if (first > last || (previousLast !== undefined && first <= previousLast) || !ISO2.test(code)) {
        throw new Error(`${file}: record ${row} is not a sorted range with a country code`);
      }
      previousLast = last;
    }
  }
  private first(row: number): T {
    return this.read(this.buf, row * this.size);
  }
  private last(row: number): T {
    return this.read(this.buf, row * this.size + this.size / 2 - 1);
  }
  private code(row: number): string {
    const at = row * this.size + this.size - 2;
    return this.buf.toString('latin1', at, at + 2);
  }
  find(key: T): string | null {
    let lo = 0;
    let hi = this.rows - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (key < this.first(mid)) hi = mid - 1;
      else if (key > this.last(mid)) lo = mid + 1;
      else return this.code(mid);
    }
    return null;
  }
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** The first 64 bits of an IPv6 address (the tables are kept at /64 granularity). */
function ipv6Prefix(ip: string): bigint {
  const [head = '', tail] = ip.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  // A trailing dotted IPv4 part lies in the low 64 bits, which the prefix does not use.
  const rightGroups = right.length > 0 && right[right.length - 1]!.includes('.') ? right.length + 1 : right.length;
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - rightGroups).fill('0'), ...right];
  return all.slice(0, 4).reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Reads the two country tables of geoip-country (`geoip-country.dat`,
 * `geoip-country6.dat`) from `dir` (default: the installed package's data),
 * checks that they are well formed, and answers lookups from memory.
 */
export function readCountryTables(dir: string = packagedTablesDir()): CountryTables {
  const folder = resolve(dir);
  const v4 = new Table(V4_FILE, readFileSync(join(folder, V4_FILE)), V4_RECORD, (b, o) => b.readUInt32BE(o));
  const v6 = new Table(V6_FILE, readFileSync(join(folder, V6_FILE)), V6_RECORD, (b, o) => b.readBigUInt64BE(o));
  return (ip) => {
    const family = isIP(ip);
    if (family === 4) return v4.find(ipv4Number(ip));
    if (family === 6) return v6.find(ipv6Prefix(ip));
    return null;
  };
}
