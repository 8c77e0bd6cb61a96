/** A CLI subcommand: `npm run cli -- <name> [--flag value ...]`. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Resolves to the process exit code. Throw CliError for a clean message and exit code 1. */
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

/** A failure to report as one line on stderr, exit code 1 (no stack trace). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** `--name value`, `--name=value` and bare `--flag`. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      flags[arg.slice(2)] = argv[++i]!;
    } else {
      flags[arg.slice(2)] = true;
    }
  }
  return { flags, positional };
}

/** A flag that must have a value. */
export function requiredFlag(args: ParsedArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value.length === 0) throw new CliError(`--${name} is required`);
  return value;
}
