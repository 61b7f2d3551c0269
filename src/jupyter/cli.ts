#!/usr/bin/env node
/**
 * `convlab`: the command line for running the course. Each subcommand lives in its own file under
 * `commands/`; add one by adding a line to the table below.
 */
import { Command, UsageError } from './commands/command';
import { courseCommand } from './commands/course';
import { gradeCommand } from './commands/grade';
import { releaseCommand } from './commands/release';
import { validateCommand } from './commands/validate';
import { runCommand } from './commands/run';
import { startCommand } from './commands/start';
import { exitOnSignals, runCleanups } from './shutdown';

const commands: Command[] = [
  startCommand,
  runCommand,
  courseCommand,
  releaseCommand,
  gradeCommand,
  validateCommand,
];

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'usage: convlab COMMAND [options]   (convlab COMMAND --help for its options)',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}

/** Runs the CLI with these arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`convlab: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.main(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    // the message names the function and the problem; the stack is for us, not for a student
    const detail = process.env.CONVLAB_DEBUG
      ? ((error as Error).stack ?? String(error))
      : String((error as Error).message ?? error);
    process.stderr.write(`convlab ${name}: ${detail}\n`);
    return 1;
  } finally {
    await runCleanups();
  }
}

if (require.main === module) {
  // @jupyterlab/services logs every WebSocket it opens with console.debug; that is noise here.
  console.debug = () => undefined;
  exitOnSignals();
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
