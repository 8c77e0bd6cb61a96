import { createInterface } from 'node:readline';
import { UsageError } from './command.js';

/** The first line of stdin (a piped password). */
async function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

/** Asks on the terminal without echoing what is typed. */
function hiddenQuestion(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    output._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
      asked = true;
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/**
 * A password from the environment variable, from stdin (--password-stdin), or
 * typed twice at a prompt when stdin is a terminal; never from argv.
 */
export async function readPassword(options: { variable: string; fromStdin: boolean }): Promise<string> {
  const fromEnv = process.env[options.variable];
  let password: string;
  if (options.fromStdin) password = await firstLine();
  else if (fromEnv) password = fromEnv;
  else if (process.stdin.isTTY) {
    password = await hiddenQuestion('Password: ');
    if ((await hiddenQuestion('Password (again): ')) !== password) throw new UsageError('the passwords did not match');
  } else {
    throw new UsageError(`no password: set ${options.variable}, pipe it with --password-stdin, or run in a terminal to be asked`);
  }
  if (!password) throw new UsageError('the password is empty');
  return password;
}
