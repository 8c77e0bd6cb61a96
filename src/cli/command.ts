import { parseArgs as parseNodeArgs } from 'node:util';

/** Exit codes of every CLI command. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (a broken chain, a discrepancy) or was refused. */
  failed: 1,
  /** The command line is wrong (unknown command or flag, missing or bad value) or the configuration is. */
  usage: 2,
  /** The stores could not be reached (database down, data folder held by a service that does not answer). */
  unavailable: 3,
} as const;

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** What a string option's value is, in the help (e.g. ACCOUNT_NUMBER). */
  value?: string;
}

/** A CLI subcommand: `npm run cli -- <name> [--flag value ...]`. */
export interface CliCommand {
  name: string;
  summary: string;
  /** One synopsis line (without the options' descriptions). */
  usage: string;
  /** Every flag the command takes; any other is a usage error. `--help` is added to all. */
  options: Record<string, OptionSpec>;
  /** Positional arguments it takes (none when absent). */
  positionals?: { name: string; description: string }[];
  /** Resolves to the process exit code. Throw CliError (1), UsageError (2) or UnavailableError (3) for a one-line message. */
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
}

/** A failure to report as one line on stderr (no stack trace). */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: number = EXIT.failed;
}

/** A wrong command line or configuration: exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  override readonly exitCode = EXIT.usage;
}

/** The stores cannot be reached: exit code 3. */
export class UnavailableError extends CliError {
  override readonly name = 'UnavailableError';
  override readonly exitCode = EXIT.unavailable;
}

/** The command's help: synopsis, positionals, options. */
export function commandHelp(command: CliCommand): string {
  const rows: [string, string][] = [
    ...(command.positionals ?? []).map((p): [string, string] => [p.name, p.description]),
    ...Object.entries(command.options).map(([name, o]): [string, string] => [`--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description]),
    ['--help', 'show this help and exit'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [`usage: npm run cli -- ${command.usage}`, '', command.summary, '', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)].join('\n');
}

/**
 * Strict parsing (node:util parseArgs): unknown flags, a string flag without its
 * value, a value given to a boolean flag and unexpected positionals are usage
 * errors. Answers 'help' when --help (or -h) is among the arguments.
 */
export function parseCommandArgs(command: CliCommand, argv: string[]): ParsedArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(command.options).map(([name, o]) => [name, { type: o.type }])),
      allowPositionals: (command.positionals ?? []).length > 0,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '.') : String(error));
  }
  const flags: Record<string, string | true> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') flags[name] = value;
    else if (value === true) flags[name] = true;
  }
  const max = (command.positionals ?? []).length;
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  return { flags, positional: parsed.positionals };
}

/** A flag that must have a value. */
export function requiredFlag(args: ParsedArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

/** A string flag's value, when given. */
export const optionalFlag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
};
