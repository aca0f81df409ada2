import { isAbsolute, resolve } from 'node:path';
import type { Writable } from 'node:stream';

/** What a command writes to and reads its settings from: the process's own, or a test's. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CommandIo {
  // A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted,
  // and the command's exit code still says how it went.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export const EXIT = {
  ok: 0,
  /** Bad arguments, an unreadable file, no connection, an error response. */
  failed: 1,
  /** The import ran, but some records were not taken. */
  rejected: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can act on: its message is printed as it is, without a stack. */
export class CommandError extends Error {}

export interface Command<Options> {
  usage: string;
  /** Reads the arguments; throws on bad ones (the message is printed with the usage). */
  parse(argv: string[], io: CommandIo): Options | 'help';
  run(options: Options, io: CommandIo): Promise<ExitCode>;
}

/** Runs a command to its exit code. Errors other than usage and {@link CommandError}s are bugs: they propagate, with their stack. */
export async function runCommand<Options>(command: Command<Options>, argv: string[], io: CommandIo): Promise<ExitCode> {
  let options: Options | 'help';
  try {
    options = command.parse(argv, io);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${command.usage}`);
    return EXIT.failed;
  }
  if (options === 'help') {
    io.stdout.write(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(options, io);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.failed;
  }
}

/**
 * A path the user typed, made absolute. `npm run` starts scripts in the package's folder and
 * passes the folder the user was in as INIT_CWD: resolve against that, as the user meant.
 */
export function userPath(path: string, env: CommandIo['env']): string {
  return isAbsolute(path) ? path : resolve(env['INIT_CWD'] ?? process.cwd(), path);
}

/** An error's message with its causes ("fetch failed: connect ECONNREFUSED 127.0.0.1:8080"). */
export function reasonOf(error: unknown): string {
  // Not `instanceof Error`: errors made by Node itself come from another realm under a test runner's VM.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return String(error);
  const { message, code, name, cause } = error as NodeJS.ErrnoException;
  const own = message || code || name;
  return cause === undefined ? own : `${own}: ${reasonOf(cause)}`;
}
