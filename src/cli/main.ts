// `npm run cli -- <command> [--flag value ...]`: operator commands against the
// stores configured by the environment (the same variables, and .env, as the service).
// Exit codes: 0 ok, 1 the command found a problem or was refused, 2 usage or
// configuration, 3 the stores cannot be reached.
import { ConfigError } from '../config/config.js';
import { loadDotEnv } from '../config/settings.js';
import { CliError, commandHelp, EXIT, parseCommandArgs } from './command.js';
import { cliCommands } from './commands/index.js';
import { unavailableReason } from './unavailable.js';

function help(): string {
  const width = Math.max(...cliCommands.map((c) => c.name.length));
  return [
    'usage: npm run cli -- <command> [options]   (npm run cli -- <command> --help for its options)',
    '',
    'commands:',
    ...cliCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit codes: 0 ok, 1 a problem found or a refusal, 2 usage or configuration, 3 stores unreachable',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return EXIT.ok;
  }
  if (!name) {
    console.error(help());
    return EXIT.usage;
  }
  const command = cliCommands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command: ${name}\n\n${help()}`);
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args === 'help') {
      console.log(commandHelp(command));
      return EXIT.ok;
    }
    loadDotEnv();
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`${command.name}: ${error.message}`);
      if (error.exitCode === EXIT.usage) console.error(`(npm run cli -- ${command.name} --help)`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`${command.name}: configuration error: ${problem}`);
      return EXIT.usage;
    }
    const unavailable = unavailableReason(error);
    if (unavailable) {
      console.error(`${command.name}: cannot reach the stores: ${unavailable}`);
      return EXIT.unavailable;
    }
    // Unexpected: one line, and the stack only when asked for.
    console.error(`${command.name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG === 'true' && error instanceof Error) console.error(error.stack);
    return EXIT.failed;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('fatal:', error instanceof Error ? error.message : error);
    process.exit(EXIT.failed);
  },
);
