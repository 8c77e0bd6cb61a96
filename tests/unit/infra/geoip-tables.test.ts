import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCountryLookup } from '../../../src/infra/geoip.js';
import { readCountryTables } from '../../../src/infra/geoip-tables.js';

/** A geoip-country table file: [first, last, code] rows in the package's record layout (keys of size/2 - 1 bytes, then the code). */
function tableFile<K>(rows: [K, K, string][], size: number, writeKey: (buf: Buffer, key: K, at: number) => void): Buffer {
  const buf = Buffer.alloc(rows.length * size);
  rows.forEach(([first, last, code], i) => {
    writeKey(buf, first, i * size);
    writeKey(buf, last, i * size + size / 2 - 1);
    buf.write(code, i * size + size - 2, 'latin1');
  });
  return buf;
}
const v4File = (rows: [number, number, string][]) => tableFile(rows, 10, (b, k, at) => b.writeUInt32BE(k, at));
const v6File = (rows: [bigint, bigint, string][]) => tableFile(rows, 18, (b, k, at) => b.writeBigUInt64BE(k, at));

describe('offline country tables (geoip-country)', () => {
  const dirs: string[] = [];
  const folder = (v4: Buffer, v6: Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-geoip-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'geoip-country.dat'), v4);
    writeFileSync(join(dir, 'geoip-country6.dat'), v6);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('finds the countries of well-known public IPv4 and IPv6 addresses in the installed tables', () => {
    const lookup = readCountryTables();
    const known: Record<string, string> = {
      '8.8.8.8': 'US', // Google public DNS
      '193.0.6.139': 'NL', // RIPE NCC, Amsterdam
      '81.2.69.142': 'GB', // MaxMind's own test address
      '2001:4860:4860::8888': 'US', // Google public DNS
      '2001:67c:2e8:22::c100:68b': 'NL', // RIPE NCC
      '2c0f:fb50:4003::': 'KE', // Google, Nairobi
    };
    for (const [ip, country] of Object.entries(known)) expect(lookup(ip), ip).to.equal(country);
    expect(lookup('not an ip')).to.equal(null);
  });

  it('reads the folder it is given (GEOIP_DATA_DIR), IPv6 by its /64 prefix, compressed forms included', () => {
    const dir = folder(
      v4File([[0x01000000, 0x010000ff, 'AU'], [0x08080800, 0x080808ff, 'JO']]),
      v6File([[0x2001_0db9_0000_0000n, 0x2001_0db9_ffff_ffffn, 'JO']]),
    );
    const lookup = readCountryTables(dir);
    expect(lookup('8.8.8.8')).to.equal('JO');
    expect(lookup('1.0.0.255')).to.equal('AU');
    expect(lookup('1.0.1.0')).to.equal(null);
    expect(lookup('2001:db9::1')).to.equal('JO');
    expect(lookup('2001:db9:ffff:ffff:ffff:ffff:ffff:ffff')).to.equal('JO');
    expect(lookup('2001:db9:0:0:0:0:1.2.3.4')).to.equal('JO');
    expect(lookup('2001:dba::')).to.equal(null);
  });

  it('refuses tables that are cut short, unsorted or without a country code', () => {
    const v6 = v6File([[1n, 2n, 'JO']]);
    expect(() => readCountryTables(folder(Buffer.concat([v4File([[1, 2, 'JO']]), Buffer.from([0])]), v6))).to.throw(/whole number of 10-byte records/);
    expect(() => readCountryTables(folder(v4File([[5, 9, 'JO'], [1, 2, 'GB']]), v6))).to.throw(/record 1 is not a sorted range/);
    expect(() => readCountryTables(folder(v4File([[1, 2, 'J1']]), v6))).to.throw(/record 0/);
  });

  it('answers null for every address, and says so once, when the configured folder cannot be read', async () => {
    const told: unknown[] = [];
    const lookup = createCountryLookup({ dataDir: join(tmpdir(), 'no-such-geoip-folder'), onUnavailable: (e) => told.push(e) });
    expect(await lookup.country('8.8.8.8')).to.equal(null);
    expect(await lookup.country('193.0.6.139')).to.equal(null);
    expect(told).to.have.length(1);
    expect(String(told[0])).to.match(/ENOENT/);
  });
});
