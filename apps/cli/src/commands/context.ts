/**
 * What every command module gets from the program: the streams, a gateway
 * client for the command's global options (--url, --api-key), and the wrapper
 * that hands an action's exit code to the caller.
 */
import type { Command } from 'commander';
import type { HubClient } from '@hub/gateway/client';
import type { GlobalOptions } from '../api';
import type { ExitCode } from '../errors';
import type { Io } from '../io';

export interface CommandContext {
  io: Io;
  /** A client of the gateway named by the command's global options. */
  hub(cmd: Command): HubClient;
  /** The command's global options (--url, --api-key), for calls outside the typed client. */
  globals(cmd: Command): GlobalOptions;
  /** Wraps an action: its exit code goes to the program's `done`. */
  run<A extends unknown[]>(fn: (...args: A) => Promise<ExitCode>): (...args: A) => Promise<void>;
}

/** Prints `data` as indented JSON. */
export const printJson = (io: Io, data: unknown): void => void io.stdout.write(JSON.stringify(data, null, 2) + '\n');
/** Prints a line of text. */
export const print = (io: Io, text: string): void => void io.stdout.write(text + '\n');
