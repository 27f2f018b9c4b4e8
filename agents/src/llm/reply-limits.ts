/**
 * Size limits of what the LLM activities hand back to a workflow: a reply's
 * text is capped in UTF-8 bytes (cut at a character boundary, with a marker
 * saying so), and a result that would still be too large for a Temporal
 * payload fails the activity with a non-retryable `PayloadsTooLarge`
 * instead of failing its completion over and over.
 */
import { ApplicationFailure } from '@temporalio/common';

/** `max_tokens` sent when the worker sets none (the request has no field for it). */
export const DEFAULT_MAX_TOKENS = 8_192;
/** Longest reply text kept, in UTF-8 bytes. */
export const DEFAULT_MAX_REPLY_BYTES = 256 * 1024;
/** Largest activity result (JSON, bytes); Temporal refuses payloads over 2 MB and warns from 512 KB. */
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

/** The marker appended to a cut reply. */
export function truncationMarker(keptBytes: number, totalBytes: number): string {
  return `\n\n[reply truncated by the hub: ${keptBytes} of ${totalBytes} bytes kept]`;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (marker included), at a character boundary. */
export function capText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return { text, truncated: false };
  const room = Math.max(0, maxBytes - Buffer.byteLength(truncationMarker(maxBytes, total), 'utf8'));
  const bytes = Buffer.from(text, 'utf8');
  let end = room;
  // Back up to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8') + truncationMarker(end, total), truncated: true };
}

/** Throws a non-retryable `PayloadsTooLarge` when `value` (as JSON) is over `maxBytes`. */
export function assertResultFits(value: unknown, maxBytes: number, what: string): void {
  const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (size <= maxBytes) return;
  throw ApplicationFailure.create({
    type: 'PayloadsTooLarge',
    nonRetryable: true,
    message: `${what} is ${size} bytes, over the ${maxBytes}-byte limit of an activity result; retrying cannot help`,
  });
}
