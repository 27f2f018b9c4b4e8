/**
 * Tiny structured logger: one JSON object per line on stderr.
 *
 *   const log = createLogger('worker');
 *   log.info('worker ready', { taskQueue: 'agent-hub' });
 *   // {"level":"info","time":"2025-01-01T00:00:00.000Z","component":"worker","msg":"worker ready","taskQueue":"agent-hub"}
 *
 * The minimum level comes from HUB_LOG_LEVEL (debug | info | warn | error | silent; default info)
 * and is re-read on every call, so tests can change it at runtime.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger with the same component that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function thresholdFromEnv(): number {
  const raw = process.env['HUB_LOG_LEVEL']?.trim().toLowerCase();
  if (raw && raw in LEVELS) return LEVELS[raw as keyof typeof LEVELS];
  return LEVELS.info;
}

/** Makes values JSON-friendly: Errors become {name, message, stack, cause}, bigints strings. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    if (value.cause !== undefined) out['cause'] = value.cause;
    for (const [k, v] of Object.entries(value)) out[k] = v;
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function serialize(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer);
  } catch {
    // Circular structures and the like: fall back to the fixed keys only.
    return JSON.stringify({
      level: record['level'],
      time: record['time'],
      component: record['component'],
      msg: record['msg'],
      logError: 'fields could not be serialized',
    });
  }
}

export function createLogger(component: string, baseFields: LogFields = {}): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[level] < thresholdFromEnv()) return;
    const record: Record<string, unknown> = {
      ...baseFields,
      ...fields,
      level,
      time: new Date().toISOString(),
      component,
      msg,
    };
    // Keep the fixed keys first for readability.
    const ordered = { level, time: record['time'], component, msg, ...record };
    process.stderr.write(serialize(ordered) + '\n');
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(component, { ...baseFields, ...fields }),
  };
}
