import { expect } from 'chai';
import { pino } from 'pino';
import { HitRecorder } from '../../../src/commands/security/hit-recorder.js';
import { redactApiKey } from '../../../src/domain/security/api-keys.js';
import { IpList, isPublicIp, normalizeIp } from '../../../src/domain/security/ip-list.js';
import { HitCounter, securityHitsStream } from '../../../src/domain/security/security-hits.js';
import { createCountryLookup } from '../../../src/infra/geoip.js';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { MemoryStore } from './memory-store.js';

describe('security parts', () => {
  it('redacts API keys as the reference does', () => {
    expect(redactApiKey('abcd1234wxyz')).to.equal('abcd***wxyz');
    expect(redactApiKey('12345678')).to.equal('***');
  });

  it('matches addresses and CIDR blocks, IPv4-mapped included', () => {
    const list = new IpList(['203.0.113.0/28', '2001:db8::/32', '198.51.100.7']);
    expect(list.has('203.0.113.15')).to.equal(true);
    expect(list.has('203.0.113.16')).to.equal(false);
    expect(list.has('::ffff:198.51.100.7')).to.equal(true);
    expect(list.has('2001:db8::1')).to.equal(true);
    expect(list.has('not-an-ip')).to.equal(false);
    expect(normalizeIp('::FFFF:10.1.2.3')).to.equal('10.1.2.3');
    expect(isPublicIp('8.8.8.8')).to.equal(true);
    for (const ip of ['127.0.0.1', '10.2.3.4', '192.168.1.1', '::1', 'fe80::1', '::ffff:172.16.0.1']) expect(isPublicIp(ip), ip).to.equal(false);
  });

  it('validates RISK_BLACKLISTED_IPS and reads the security settings', () => {
    expect(() => loadConfig({ RISK_BLACKLISTED_IPS: '10.0.0.0/33' })).to.throw(ConfigError, /RISK_BLACKLISTED_IPS/);
    expect(() => loadConfig({ RISK_BLACKLISTED_IPS: 'example.com' })).to.throw(ConfigError);
    const s = loadConfig({ NODE_ENV: 'test', RISK_ALLOWED_API_KEYS: 'k1, ,k2', AXES_FAILURE_LIMIT: '7' }).security;
    expect(s.allowedApiKeys).to.deep.equal(['k1', 'k2']);
    expect(s.lockoutIpFailureLimit).to.equal(7);
    expect(s.lockoutCoolOffSeconds).to.equal(3600);
    expect(s.rateLimitsEnabled).to.equal(false);
    expect(loadConfig({ NODE_ENV: 'development' }).security.rateLimitsEnabled).to.equal(true);
  });

  it('aggregates hits per kind, scope and key, and caps the number of keys', () => {
    const counter = new HitCounter(2);
    const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
    counter.add('rate_limited', 'anon', '1.1.1.1', '1.1.1.1', t(1));
    counter.add('rate_limited', 'anon', '1.1.1.1', '1.1.1.1', t(5));
    counter.add('bad_api_key', 'x-api-key', '***', null, t(2));
    counter.add('rate_limited', 'anon', '2.2.2.2', '2.2.2.2', t(3));
    counter.add('rate_limited', 'anon', '3.3.3.3', '3.3.3.3', t(4));
    const events = counter.drain();
    expect(events.map((e) => [e.data.kind, e.data.key, e.data.count])).to.deep.equal([
      ['rate_limited', '1.1.1.1', 2], ['bad_api_key', '***', 1], ['rate_limited', '*', 2],
    ]);
    expect(events[0]!.data.window_start).to.equal(t(1).toISOString());
    expect(events[0]!.data.window_end).to.equal(t(5).toISOString());
    expect(counter.size).to.equal(0);
    expect(securityHitsStream(t(0))).to.equal('security-hits-2025-01-01');
  });

  it('appends one event per key on flush and on stop, nothing when idle', async () => {
    const store = new MemoryStore();
    const recorder = new HitRecorder(store, pino({ level: 'silent' }), 60_000);
    for (let i = 0; i < 500; i++) recorder.add('blacklisted_ip', 'request', '203.0.113.5', '203.0.113.5');
    await recorder.flush();
    await recorder.flush();
    recorder.add('bad_api_key', 'x-api-key', '***', null);
    await recorder.stop();
    const hits = store.ofType('SecurityHitsRecorded');
    expect(hits.map((e) => [e.data.kind, e.data.count])).to.deep.equal([['blacklisted_ip', 500], ['bad_api_key', 1]]);
    expect(hits[0]!.stream_id).to.match(/^security-hits-\d{4}-\d{2}-\d{2}$/);
  });

  it('looks countries up offline, asks ipinfo only with a token, and falls back when it fails', async () => {
    const offline = async () => (ip: string) => (ip === '81.2.69.142' ? 'GB' : null);
    let calls = 0;
    const failing = (async () => { calls += 1; throw new Error('timeout'); }) as unknown as typeof fetch;
    const noToken = createCountryLookup({ offline, fetch: failing });
    expect(await noToken.country('81.2.69.142')).to.equal('GB');
    expect(await noToken.country('127.0.0.1')).to.equal(null);
    expect(await noToken.country(null)).to.equal(null);
    expect(calls).to.equal(0);
    const withToken = createCountryLookup({ ipinfoToken: 't', offline, fetch: failing });
    expect(await withToken.country('81.2.69.142')).to.equal('GB');
    expect(calls).to.equal(1);
    const answering = (async () => new Response(JSON.stringify({ country: 'JO' }), { status: 200 })) as unknown as typeof fetch;
    expect(await createCountryLookup({ ipinfoToken: 't', offline, fetch: answering }).country('81.2.69.142')).to.equal('JO');
    // The real offline tables.
    expect(await createCountryLookup().country('81.2.69.142')).to.equal('GB');
  });
});
