import type { LogFields, Logger as InfraLogger } from '@hub/runtime';

export type { LogFields };
/** The logger shape the gateway needs: @hub/runtime's Logger without `child` (tests pass simpler ones). */
export type Logger = Pick<InfraLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** Wraps a logger so every line carries `fields`. */
export function withFields(log: Logger, fields: LogFields): Logger {
  return {
    debug: (m, f) => log.debug(m, { ...fields, ...f }),
    info: (m, f) => log.info(m, { ...fields, ...f }),
    warn: (m, f) => log.warn(m, { ...fields, ...f }),
    error: (m, f) => log.error(m, { ...fields, ...f }),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
