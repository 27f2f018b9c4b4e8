import { LIMITS, type ToolResult } from '@hub/contracts';

/**
 * Caps `result.content` at `maxChars` (default `LIMITS.maxToolResultChars`),
 * note included: a longer content keeps its head and ends with
 * `…[truncated N characters]`, and `truncated` is set.
 */
export function truncateResult(result: ToolResult, maxChars: number = LIMITS.maxToolResultChars): ToolResult {
  const { content } = result;
  if (content.length <= maxChars) return result;
  // The note's length depends on N, which depends on how much is kept: size it for the worst case.
  const noteFor = (n: number) => `\n…[truncated ${n} characters]`;
  let keep = Math.max(0, maxChars - noteFor(content.length).length);
  // Do not split a surrogate pair.
  if (keep > 0 && isHighSurrogate(content.charCodeAt(keep - 1))) keep -= 1;
  const removed = content.length - keep;
  return { ...result, content: content.slice(0, keep) + noteFor(removed), truncated: true };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
