import { checkSignature } from '../../audit/checkpoint-check.js';
import { CheckpointRefused, CheckpointSigner } from '../../commands/checkpoints/checkpoint-signer.js';
import { checkpointExport, storedCheckpoint } from '../../audit/stored-checkpoints.js';
import { loadCheckpointConfig, type CheckpointConfig } from '../../config/checkpoint-config.js';
import { loadConfig, type Config } from '../../config/config.js';
import { describeCheck, readCheckpointFile, readPublicKeyFile, writeOutput } from '../checkpoint-files.js';
import { CliError, UsageError, type CliCommand, type ParsedArgs } from '../command.js';
import { cliConfig, withInfrastructure } from '../infrastructure.js';
import { progressBar } from '../progress.js';

const USAGE = [
  'checkpoint sign [--out FILE]                 sign a checkpoint of the log now (walks it all) and print its export',
  '  checkpoint export [--id N|latest] [--out FILE]   print a stored checkpoint as the JSON an auditor keeps',
  '  checkpoint public-key [--out FILE]           print the signing key\'s public half (PEM; its key id on stderr)',
  '  checkpoint verify-signature --checkpoint FILE [--public-key PEM_FILE]   check an exported checkpoint\'s signature offline (no database)',
].join('\n');

const flag = (args: ParsedArgs, name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
const json = (value: unknown) => JSON.stringify(value, null, 2);

const checkpointConfig = (config: Config, sign: boolean): CheckpointConfig => cliConfig(() => loadCheckpointConfig(config, process.env, { sign }));

async function sign(args: ParsedArgs): Promise<number> {
  const exported = await withInfrastructure(async ({ config, infra, logger }) => {
    const settings = checkpointConfig(config, true);
    if (!settings.enabled) throw new CliError('checkpoints are off here (CHECKPOINTS_ENABLED=false)');
    if (!settings.signingKey) throw new CliError('no signing key: set CHECKPOINT_SIGNING_KEY_FILE');
    const bar = progressBar('checkpoint: walk $all');
    const signer = new CheckpointSigner(infra.store, settings.signingKey, settings.trustedKeys, logger, {
      onProgress: (at, target) => bar.update(Number(at), Number(target)),
    });
    try {
      const stored = await signer.sign();
      bar.done(`signed at position ${stored.checkpoint.position}`);
      return checkpointExport(stored);
    } catch (error) {
      bar.done('refused');
      if (error instanceof CheckpointRefused) throw new CliError(`refused (${error.code}): ${error.message}`);
      throw error;
    }
  });
  writeOutput(flag(args, 'out'), json(exported));
  return 0;
}

async function exportOne(args: ParsedArgs): Promise<number> {
  const raw = flag(args, 'id') ?? 'latest';
  if (raw !== 'latest' && !/^\d{1,19}$/.test(raw)) throw new CliError('--id must be a checkpoint id (digits) or latest');
  const found = await withInfrastructure(({ infra }) => storedCheckpoint(infra.store, raw === 'latest' ? 'latest' : BigInt(raw)));
  if (!found) throw new CliError(raw === 'latest' ? 'no checkpoint is stored yet (checkpoint sign)' : `no checkpoint ${raw}`);
  writeOutput(flag(args, 'out'), json(checkpointExport(found)));
  return 0;
}

function publicKey(args: ParsedArgs): number {
  const key = checkpointConfig(cliConfig(loadConfig), false).signingKey;
  if (!key) throw new CliError('no signing key is configured here (CHECKPOINT_SIGNING_KEY_FILE)');
  writeOutput(flag(args, 'out'), key.publicPem.trimEnd());
  console.error(`key id ${key.keyId}`);
  return 0;
}

/** Needs only the file and, to pin it, the public key: no database, no configuration. */
function verifySignature(args: ParsedArgs): number {
  const file = flag(args, 'checkpoint');
  if (!file) throw new CliError('--checkpoint FILE is required');
  const checkpoint = readCheckpointFile(file);
  const pinned = flag(args, 'public-key');
  const trusted = pinned ? [readPublicKeyFile(pinned)] : [];
  const check = checkSignature({ id: null, checkpoint, trusted, allowEmbedded: !pinned });
  const ok = check.problems.length === 0;
  for (const line of describeCheck({ id: null, key_id: checkpoint.key_id, ...check, ok })) console.log(line);
  if (ok) console.log(`signed: position ${checkpoint.position}, ${checkpoint.stream_count} streams, Merkle root ${checkpoint.merkle_root}, at ${checkpoint.signed_at}`);
  return ok ? 0 : 1;
}

export const checkpointCommand: CliCommand = {
  name: 'checkpoint',
  summary: 'Signed checkpoints of the hash chains: sign one now, export one for an auditor, show the public key, check a file offline',
  usage: 'checkpoint sign|export|public-key|verify-signature [options]',
  positionals: [{ name: 'sign|export|public-key|verify-signature', description: USAGE }],
  options: {
    out: { type: 'string', value: 'FILE', description: 'write the output to FILE instead of stdout' },
    id: { type: 'string', value: 'N|latest', description: 'export: which stored checkpoint (default latest)' },
    checkpoint: { type: 'string', value: 'FILE', description: 'verify-signature: the exported checkpoint' },
    'public-key': { type: 'string', value: 'PEM_FILE', description: 'verify-signature: the public key to trust (default: the one embedded)' },
  },
  async run(args) {
    const [sub] = args.positional;
    if (sub === 'sign') return sign(args);
    if (sub === 'export') return exportOne(args);
    if (sub === 'public-key') return publicKey(args);
    if (sub === 'verify-signature') return verifySignature(args);
    throw new UsageError(`say what to do:\n  ${USAGE}`);
  },
};
