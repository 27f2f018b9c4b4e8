/** The logger shape the gateway needs (structurally compatible with @hub/infra's Logger). */
export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Wraps a logger so every line carries `fields`. */
export function withFields(log: Logger, fields: LogFields): Logger {
  return {
    debug: (m, f) => log.debug(m, { ...fields, ...f }),
    info: (m, f) => log.info(m, { ...fields, ...f }),
    warn: (m, f) => log.warn(m, { ...fields, ...f }),
    error: (m, f) => log.error(m, { ...fields, ...f }),
  };
}

/** Fallback: JSON lines on stderr. */
export function jsonLogger(component: string): Logger {
  const write = (level: string, msg: string, fields?: LogFields): void => {
    let line: string;
    try {
      line = JSON.stringify({ level, time: new Date().toISOString(), component, msg, ...fields }, (_k, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
      );
    } catch {
      line = JSON.stringify({ level, time: new Date().toISOString(), component, msg });
    }
    process.stderr.write(line + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
