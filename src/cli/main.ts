// `npm run cli -- <command> [--flag value ...]`: operator commands against the
// stores configured by the environment (the same variables as the service).
import { CliError, parseArgs } from './command.js';
import { cliCommands } from './commands/index.js';

function help(): string {
  const width = Math.max(...cliCommands.map((c) => c.name.length));
  return ['usage: npm run cli -- <command> [options]', '', 'commands:', ...cliCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 1;
  }
  const command = cliCommands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command: ${name}\n\n${help()}`);
    return 1;
  }
  try {
    return await command.run(parseArgs(rest));
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`${command.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('fatal:', error);
    process.exit(1);
  },
);
