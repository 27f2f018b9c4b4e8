/** `current_time`: the current time in UTC and, optionally, in an IANA time zone. */
import { z } from 'zod';
import { defineTool } from './define';

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface ZonedTime {
  /** The zone name as asked for (Intl's canonical names differ between ICU versions). */
  timeZone: string;
  /** ISO 8601 local date-time with offset, e.g. `2025-01-02T14:04:05+01:00`. */
  local: string;
  /** UTC offset, e.g. `+01:00`. */
  utcOffset: string;
  weekday: string;
}

/** Wall-clock time of `date` in `timeZone` (which must be valid). */
export function zonedTime(date: Date, timeZone: string): ZonedTime {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    weekday: 'long',
    timeZoneName: 'longOffset',
  });
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) parts[p.type] = p.value;
  // longOffset is `GMT` for zero and `GMT+05:30` / `GMT-08:00` otherwise.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    timeZone,
    local: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`,
    utcOffset: offset,
    weekday: parts.weekday ?? '',
  };
}

export function createCurrentTimeTool(now: () => Date = () => new Date()) {
  return defineTool({
    name: 'current_time',
    description:
      'Get the current date and time. Returns UTC (ISO 8601) and, if a time zone is given, the local time there with its UTC offset.',
    requiresApproval: false,
    input: z.object({
      timeZone: z
        .string()
        .min(1)
        .max(64)
        .refine(isValidTimeZone, { message: 'Unknown IANA time zone (use names like "Europe/Berlin" or "UTC")' })
        .optional()
        .describe('IANA time zone name, e.g. "America/New_York", "Europe/Berlin", "UTC"'),
    }),
    async handler({ timeZone }) {
      const date = now();
      const out: { iso: string; unixMs: number } & Partial<ZonedTime> = { iso: date.toISOString(), unixMs: date.getTime() };
      if (timeZone) Object.assign(out, zonedTime(date, timeZone));
      return JSON.stringify(out);
    },
  });
}

export const currentTimeTool = createCurrentTimeTool();
