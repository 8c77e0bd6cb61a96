import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { signatureValid, signCheckpoint } from '../../../src/audit/checkpoint-signature.js';
import { CHECKPOINT_FORMAT, checkpointMessage, type CheckpointStatement } from '../../../src/domain/audit/chain-checkpoint.js';
import { keyIdOf, newSigningKeyPem, parseSigningKey } from '../../../src/infra/checkpoint-keys.js';

const key = parseSigningKey(newSigningKeyPem());
const statement: CheckpointStatement = {
  format: CHECKPOINT_FORMAT,
  position: '1234',
  stream_count: 57,
  merkle_root: 'ab'.repeat(32),
  key_id: key.keyId,
  signed_at: '2026-12-04T10:00:00.000Z',
};

const has = (tool: string, ...args: string[]) => {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('audit: checkpoint signatures', () => {
  it('signs the canonical JSON of the six statement members, whatever else is around them', () => {
    expect(checkpointMessage(statement)).to.equal(
      `{"format":"${CHECKPOINT_FORMAT}","key_id":"${key.keyId}","merkle_root":"${'ab'.repeat(32)}","position":"1234","signed_at":"2026-12-04T10:00:00.000Z","stream_count":57}`,
    );
    const signed = signCheckpoint(statement, key);
    expect(checkpointMessage({ ...signed, id: '3' } as CheckpointStatement)).to.equal(checkpointMessage(statement));
    expect(signatureValid(signed, signed.signature, key.publicKey)).to.equal(true);
    expect(signatureValid({ ...signed, stream_count: 58 }, signed.signature, key.publicKey)).to.equal(false);
    const flipped = Buffer.from(signed.signature, 'base64');
    flipped[flipped.length - 1]! ^= 0x01;
    expect(signatureValid(signed, flipped.toString('base64'), key.publicKey)).to.equal(false);
    expect(signatureValid(signed, 'not base64', key.publicKey)).to.equal(false);
    expect(signed.public_key).to.equal(key.publicPem);
    expect(keyIdOf(key.publicKey)).to.match(/^[0-9a-f]{64}$/);
  });

  it('refuses to sign a statement naming another key', () => {
    expect(() => signCheckpoint({ ...statement, key_id: 'c'.repeat(64) }, key)).to.throw(/names another key/);
  });

  it('checks with jq and openssl alone, as the README tells auditors', function () {
    if (!has('jq', '--version') || !has('openssl', 'version')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nexus-cp-openssl-'));
    try {
      writeFileSync(join(dir, 'cp.json'), JSON.stringify({ id: '3', event_id: 'e', event_position: '1235', ...signCheckpoint(statement, key) }, null, 2));
      writeFileSync(join(dir, 'key.pem'), key.publicPem);
      const sh = (script: string) => execFileSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
      sh(`jq -jcS '{format,position,stream_count,merkle_root,key_id,signed_at}' cp.json > msg.bin && jq -r .signature cp.json | base64 -d > sig.bin`);
      expect(sh('openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in msg.bin -sigfile sig.bin')).to.match(/Signature Verified Successfully/);
      expect(sh(`openssl pkey -pubin -in key.pem -outform DER | sha256sum | cut -d' ' -f1`).trim()).to.equal(key.keyId);
      sh(`jq '.stream_count = 58' cp.json > edited.json && jq -jcS '{format,position,stream_count,merkle_root,key_id,signed_at}' edited.json > msg.bin`);
      const failed = (() => {
        try {
          return `exit 0: ${sh('openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in msg.bin -sigfile sig.bin 2>&1')}`;
        } catch (error) {
          return String((error as { stdout?: string }).stdout);
        }
      })();
      expect(failed).to.match(/^Signature Verification Failure/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
