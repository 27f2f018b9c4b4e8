/** Exit codes `hub` promises to scripts (README, "CLI"). */
export const EXIT = {
  ok: 0,
  /** A job, task or turn ran and failed (or was cancelled). */
  failed: 1,
  /** Bad command line: unknown command or option, missing or invalid argument. */
  usage: 2,
  /** The gateway could not be reached, or answered with an error other than 404. */
  api: 3,
  /** The session, job, task or server does not exist (HTTP 404). */
  notFound: 4,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a message (on stderr) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
