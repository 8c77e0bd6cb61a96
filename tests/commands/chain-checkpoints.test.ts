import { expect } from 'chai';
import pg from 'pg';
import { pino } from 'pino';
import { checkSignature, type CheckpointToCheck } from '../../src/audit/checkpoint-check.js';
import { CheckpointSchedule } from '../../src/processes/checkpoint-schedule.js';
import { CheckpointRefused, CheckpointSigner } from '../../src/commands/checkpoints/checkpoint-signer.js';
import { signCheckpoint } from '../../src/audit/checkpoint-signature.js';
import { checkpointExport, readSignedCheckpoint, storedCheckpoint, storedToCheck } from '../../src/audit/stored-checkpoints.js';
import { verifyAllStreams, type VerifyReport } from '../../src/audit/verify-chains.js';
import { CHAIN_CHECKPOINTS_STREAM, statementOf, type SignedCheckpoint } from '../../src/domain/audit/chain-checkpoint.js';
import type { EventData, EventStore } from '../../src/eventstore/port.js';
import { openPostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { newSigningKeyPem, parsePublicKey, parseSigningKey, type SigningKey } from '../../src/infra/checkpoint-keys.js';
import { freshDatabase, untilDisconnected, type ScratchDatabase } from '../helpers/postgres.js';
import { rewriteHistory } from '../helpers/tamper.js';
import { newEvent } from '../eventstore/support.js';

const logger = pino({ level: 'silent' });
const STREAMS = ['account-100000000001', 'account-100000000002', 'user-a', 'transfer-x', 'transfer-y'];

interface Scenario {
  db: ScratchDatabase;
  store: EventStore;
  /** Connects as the table's owner, like an attacker with the database's credentials. */
  raw: pg.Pool;
  key: SigningKey;
  signer: CheckpointSigner;
}

/**
 * Four events in each of five streams, interleaved in $all; resolves once
 * readers see them all (their horizon is the whole server's: another
 * database's open transaction holds it back).
 */
async function populate(store: EventStore, streams = STREAMS, rounds = 4): Promise<void> {
  let last = 0n;
  for (let round = 0; round < rounds; round++) {
    for (const s of streams) last = (await store.append(s, [newEvent('Noted', { round: String(round), amount: `${round}00` })], 'any')).position;
  }
  await untilReadable(store, last);
}

async function untilReadable(store: EventStore, position: bigint): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await store.headPosition()) < position) {
    if (Date.now() > deadline) throw new Error(`position ${position} not readable within 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function eventsOf(raw: pg.Pool, stream: string) {
  const { rows } = await raw.query<{ event_id: string; revision: string; type: string; data: EventData; metadata: never }>(
    `select event_id::text, revision::text, type, data, metadata from es.events where stream_id = $1 order by revision`,
    [stream],
  );
  return rows;
}

const against = (s: Scenario, checkpoint: SignedCheckpoint, extra: Partial<CheckpointToCheck> = {}): CheckpointToCheck => ({
  id: null,
  checkpoint,
  trusted: [s.key],
  allowEmbedded: false,
  ...extra,
});
const verify = (s: Scenario, checkpoint?: CheckpointToCheck): Promise<VerifyReport> => verifyAllStreams(s.store, { checkpoint, batchSize: 7 });
const codes = (r: VerifyReport) => r.checkpoint?.problems.map((p) => p.code) ?? [];
const breaks = (r: VerifyReport) => r.breaks.map((b) => `${b.stream_id}@${b.revision}:${b.kind}`);

describe('signed checkpoints of the hash chains (PostgreSQL)', function () {
  this.timeout(60_000);
  let s: Scenario;

  beforeEach(async () => {
    const db = await freshDatabase('checkpoints');
    const store = await openPostgresEventStore(db.url, 4);
    const key = parseSigningKey(newSigningKeyPem());
    s = { db, store, raw: new pg.Pool({ connectionString: db.url, max: 2 }), key, signer: new CheckpointSigner(store, key, [key], logger, { batchSize: 7 }) };
    await populate(store);
  });
  afterEach(async () => {
    await s.signer.stop();
    await s.store.close();
    await s.raw.end();
    await untilDisconnected(s.db.name);
    await s.db.drop();
  });

  it('appends a checkpoint over the head and every stream, which the untouched log matches', async () => {
    const cp = await s.signer.sign();
    expect(cp.id).to.equal(0n);
    expect(cp.checkpoint).to.include({ position: '20', stream_count: 5, key_id: s.key.keyId, format: 'nexus-bank.chain-checkpoint.v1' });
    const [event] = await s.store.readStream(CHAIN_CHECKPOINTS_STREAM);
    expect(event!.type).to.equal('ChainCheckpointSigned');
    expect(event!.position).to.equal(21n);
    expect(event!.data).to.not.have.any.keys('private_key', 'seed', 'd');
    const report = await verify(s, against(s, cp.checkpoint));
    expect(report.ok).to.equal(true);
    expect(report.checkpoint).to.deep.include({ ok: true, signature_valid: true, key_source: 'trusted', problems: [] });
    expect(report.checkpoint!.found).to.deep.equal(report.checkpoint!.signed);
  });

  it('an edited payload breaks its chain (the checkpoint still matches the stored hashes)', async () => {
    const cp = await s.signer.sign();
    const [, second] = await eventsOf(s.raw, 'user-a');
    await s.raw.query(`alter table es.events disable trigger user`);
    await s.raw.query(`update es.events set data = '{"amount":"999900"}' where event_id = $1::uuid`, [second!.event_id]);
    const report = await verify(s, against(s, cp.checkpoint));
    expect(report.ok).to.equal(false);
    expect(breaks(report)).to.deep.equal(['user-a@1:hash_mismatch']);
  });

  it('a deleted event leaves a revision gap, and a deleted head changes the signed root', async () => {
    const cp = await s.signer.sign();
    const rows = await eventsOf(s.raw, 'transfer-x');
    await s.raw.query(`alter table es.events disable trigger user`);
    await s.raw.query(`delete from es.events where event_id = any($1::uuid[])`, [[rows[1]!.event_id, rows[3]!.event_id]]);
    const report = await verify(s, against(s, cp.checkpoint));
    expect(report.ok).to.equal(false);
    expect(breaks(report)).to.deep.equal(['transfer-x@2:revision_gap', 'transfer-x@2:prev_hash_mismatch']);
    expect(codes(report)).to.deep.equal(['merkle_root_mismatch']);
  });

  it('a rewritten payload with its chain recomputed passes the chains and fails only the checkpoint', async () => {
    const cp = await s.signer.sign();
    await rewriteHistory(s.raw, 'account-100000000002', 1, { data: { round: '1', amount: '9999900' } });
    const without = await verify(s);
    expect(without).to.include({ ok: true, break_count: 0 });
    const report = await verify(s, against(s, cp.checkpoint));
    expect(report.ok).to.equal(false);
    expect(report.break_count).to.equal(0);
    expect(codes(report)).to.deep.equal(['merkle_root_mismatch']);
    expect(report.checkpoint!.found.stream_count).to.equal(5);
    expect(report.checkpoint!.signature_valid).to.equal(true);
  });

  it('a deleted event with the rest of its stream renumbered and rehashed fails only the checkpoint', async () => {
    const cp = await s.signer.sign();
    await rewriteHistory(s.raw, 'account-100000000001', 0, 'drop');
    expect((await verify(s)).ok).to.equal(true);
    expect(codes(await verify(s, against(s, cp.checkpoint)))).to.deep.equal(['merkle_root_mismatch']);
  });

  it('a whole stream removed is one stream fewer than signed', async () => {
    const cp = await s.signer.sign();
    await s.raw.query(`alter table es.events disable trigger user`);
    await s.raw.query(`delete from es.events where stream_id = 'transfer-y'`);
    const report = await verify(s, against(s, cp.checkpoint));
    expect(report.break_count).to.equal(0);
    expect(codes(report)).to.deep.equal(['stream_count_mismatch', 'merkle_root_mismatch']);
  });

  it('checks an earlier checkpoint in the middle of the log, and later ones sign only what was appended since', async () => {
    const first = await s.signer.sign();
    await populate(s.store, ['user-a', 'user-b'], 3);
    const second = await s.signer.sign();
    expect(second.id).to.equal(1n);
    expect(second.checkpoint).to.include({ position: '27', stream_count: 7 });
    for (const cp of [first, second]) expect((await verify(s, against(s, cp.checkpoint))).ok, `checkpoint ${cp.id}`).to.equal(true);
    // A fresh walk of the whole log gives the root the incremental one signed.
    await untilReadable(s.store, second.event_position);
    const fresh = new CheckpointSigner(s.store, s.key, [s.key], logger);
    const third = await fresh.sign();
    expect(third.checkpoint.position).to.equal('28');
    expect((await verify(s, against(s, third.checkpoint))).ok).to.equal(true);
    // The latest stored is the one verify takes by default.
    expect((await storedToCheck(s.store, [s.key]))!.id).to.equal('2');
  });

  it('refuses to sign a log whose chains are broken, or that no longer matches its latest checkpoint', async () => {
    await s.signer.sign();
    await rewriteHistory(s.raw, 'user-a', 2, { data: { amount: '1' } });
    const restarted = new CheckpointSigner(s.store, s.key, [s.key], logger);
    const refused = await restarted.sign().catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(CheckpointRefused);
    expect((refused as CheckpointRefused).code).to.equal('checkpoint_mismatch');
    expect((refused as Error).message).to.match(/no longer matches checkpoint 0/);
    await s.raw.query(`update es.events set data = '{"x":"1"}' where stream_id = 'transfer-x' and revision = 0`);
    const another = await new CheckpointSigner(s.store, s.key, [], logger).sign().catch((e: unknown) => e);
    expect((another as CheckpointRefused).code).to.equal('chain_breaks');
    expect((await s.store.readStream(CHAIN_CHECKPOINTS_STREAM)).length).to.equal(1);
  });

  it('a checkpoint edited by hand fails its signature; one re-signed by another key is not trusted', async () => {
    const cp = checkpointExport(await s.signer.sign());
    const edits: Partial<SignedCheckpoint>[] = [
      { merkle_root: 'f'.repeat(64) },
      { position: '19' },
      { stream_count: 4 },
      { signed_at: '2020-01-01T00:00:00.000Z' },
    ];
    for (const edit of edits) {
      const check = checkSignature(against(s, { ...cp, ...edit }));
      expect(check.problems.map((p) => p.code), JSON.stringify(edit)).to.deep.equal(['bad_signature']);
      expect(check.signature_valid).to.equal(false);
    }
    const forger = parseSigningKey(newSigningKeyPem());
    const forged = signCheckpoint({ ...statementOf(cp), merkle_root: 'e'.repeat(64), key_id: forger.keyId }, forger);
    expect(checkSignature(against(s, forged)).problems.map((p) => p.code)).to.deep.equal(['unknown_key']);
    // Taking the key a file carries is for the auditor's own copy, and says so.
    expect(checkSignature(against(s, forged, { allowEmbedded: true }))).to.deep.include({ key_source: 'embedded', signature_valid: true });
    // A file whose key_id names the service's key but carries the forger's key.
    const mixed = { ...forged, key_id: s.key.keyId };
    expect(checkSignature(against(s, mixed, { trusted: [], allowEmbedded: true })).problems.map((p) => p.code)).to.deep.equal(['key_mismatch']);
    // A stored verify against the edited root fails the same way.
    const report = await verify(s, against(s, { ...cp, merkle_root: 'f'.repeat(64) }));
    expect(codes(report)).to.deep.equal(['bad_signature', 'merkle_root_mismatch']);
  });

  it('an exported checkpoint checks with nothing but the public key', async () => {
    const exported = JSON.parse(JSON.stringify(checkpointExport(await s.signer.sign()))) as unknown;
    const read = readSignedCheckpoint(exported);
    if ('errors' in read) throw new Error(read.errors.join('; '));
    const publicOnly = parsePublicKey(s.key.publicPem);
    expect(publicOnly.keyId).to.equal(s.key.keyId);
    expect(checkSignature({ id: null, checkpoint: read.checkpoint, trusted: [publicOnly], allowEmbedded: false })).to.deep.equal({ key_source: 'trusted', signature_valid: true, problems: [] });
    expect(readSignedCheckpoint({ ...(exported as object), stream_count: '5' })).to.deep.equal({ errors: ['stream_count must be a whole number'] });
  });

  it('a log cut short before the checkpoint position fails', async () => {
    const cp = await s.signer.sign();
    await s.raw.query(`alter table es.events disable trigger user`);
    await s.raw.query(`delete from es.events where position >= 19`);
    const report = await verify(s, against(s, cp.checkpoint));
    expect(codes(report)).to.include.members(['log_ends_before_checkpoint', 'merkle_root_mismatch']);
  });

  it('signs again only after other events, the first time when one is due', async () => {
    const quick = new CheckpointSchedule(new CheckpointSigner(s.store, s.key, [s.key], logger), s.store, logger, 1_000);
    quick.start();
    try {
      const waitFor = async (n: number) => {
        const deadline = Date.now() + 10_000;
        while ((await s.store.readStream(CHAIN_CHECKPOINTS_STREAM)).length < n) {
          if (Date.now() > deadline) throw new Error(`no checkpoint ${n} within 10 s`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await waitFor(1);
      await new Promise((r) => setTimeout(r, 2_300));
      expect((await s.store.readStream(CHAIN_CHECKPOINTS_STREAM)).length, 'nothing new: no second checkpoint').to.equal(1);
      await populate(s.store, ['user-c'], 1);
      await waitFor(2);
      expect((await storedCheckpoint(s.store, 'latest'))!.checkpoint.position).to.equal('22');
    } finally {
      await quick.stop();
    }
  });
});
