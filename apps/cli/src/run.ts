/** Runs one `hub` command line and returns its exit code (see ./errors). */
import { CommanderError } from 'commander';
import { CliError, EXIT, type ExitCode } from './errors';
import type { Io } from './io';
import { buildProgram } from './program';

export async function main(argv: string[], io: Io): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error (it printed the message).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.stderr.write(`hub: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`hub: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.api;
  }
}

