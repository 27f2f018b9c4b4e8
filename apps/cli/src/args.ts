/** Parsers of option values (commander argParsers): a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';

export const parseIntArg =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };

export function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.6');
  return n;
}

/** A duration as the gateway takes it: `90s`, `10m`, `2h` (or plain milliseconds, `500ms`). */
export function parseDuration(value: string): string {
  if (!/^\d+(?:\.\d+)?(?:ms|s|m|h)$/.test(value.trim())) throw new InvalidArgumentError('expected a duration like 90s, 10m or 2h');
  return value.trim();
}

/** `KEY=VALUE`, repeatable: the values so far plus this one. */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** A repeatable option's values. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
