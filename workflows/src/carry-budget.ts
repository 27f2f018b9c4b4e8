/**
 * The byte budget of a session's continue-as-new input (CARRY_BUDGET): pure functions over the
 * carried parts. Nothing is dropped silently: a truncated content says how much was left out,
 * and dropped stream events show up as `stream.truncated` to clients that resume before them.
 */
import type { ChatMessage } from '@hub/contracts/agent/wire';
import { CARRY_BUDGET, type TurnResult } from '@hub/contracts/session/wire';

/** UTF-8 size of a string (no TextEncoder needed). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export const jsonBytes = (v: unknown): number => utf8Bytes(JSON.stringify(v) ?? '');

/** `s` cut to about `maxBytes` (UTF-8), with a note saying what was left out. Scans at most `maxBytes` characters. */
export function truncateText(s: string, maxBytes: number, where: string): string {
  if (s.length * 3 <= maxBytes) return s;
  let keep = Math.min(s.length, maxBytes);
  if (keep === s.length && utf8Bytes(s) <= maxBytes) return s;
  while (keep > 0 && utf8Bytes(s.slice(0, keep)) > maxBytes) keep = Math.floor(keep * 0.9);
  return `${s.slice(0, keep)}\n[… truncated ${where}: ${s.length - keep} of ${s.length} characters left out]`;
}

/** Every message's content cut to `maxBytes`. */
export function capMessages(messages: ChatMessage[], maxBytes: number, where: string): ChatMessage[] {
  return messages.map((m) => {
    const content = m.content ?? '';
    const cut = truncateText(content, maxBytes, where);
    return cut === content ? m : ({ ...m, content: cut } as ChatMessage);
  });
}

/** The messages within `budgetBytes`: contents cut to CARRY_BUDGET.messageBytes, then halved until they fit (down to 1 KB). */
export function fitMessages(messages: ChatMessage[], budgetBytes: number = CARRY_BUDGET.messagesBytes): ChatMessage[] {
  const where = 'to fit the session history budget';
  let cap: number = CARRY_BUDGET.messageBytes;
  let out = capMessages(messages, cap, where);
  while (jsonBytes(out) > budgetBytes && cap > 1024) {
    cap = Math.floor(cap / 2);
    out = capMessages(messages, cap, where);
  }
  return out;
}

/**
 * The stream offset to truncate at so the retained log fits `budgetBytes`
 * (the log's items in order, the first at `baseOffset`); undefined when it fits.
 */
export function streamCutOffset(log: readonly unknown[], baseOffset: number, budgetBytes: number = CARRY_BUDGET.streamBytes): number | undefined {
  let total = 0;
  for (let i = log.length - 1; i >= 0; i--) {
    total += jsonBytes(log[i]);
    if (total > budgetBytes) return baseOffset + i + 1;
  }
  return undefined;
}

/** The newest update results (newest last) within the budget; long replies are cut. */
export function fitRecent(entries: ReadonlyArray<[string, TurnResult]>): { updateId: string; result: TurnResult }[] {
  const out: { updateId: string; result: TurnResult }[] = [];
  let total = 0;
  for (let i = entries.length - 1; i >= 0 && out.length < CARRY_BUDGET.recentCount; i--) {
    const [updateId, r] = entries[i]!;
    const result = r.reply !== undefined ? { ...r, reply: truncateText(r.reply, CARRY_BUDGET.replyBytes, 'in the result carried to the next run') } : r;
    total += jsonBytes(result) + utf8Bytes(updateId);
    if (total > CARRY_BUDGET.recentBytes) break;
    out.unshift({ updateId, result });
  }
  return out;
}
