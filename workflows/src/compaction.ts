/**
 * Keeps the carried conversation within a size budget on continue-as-new:
 * above `LIMITS.maxCarriedChars` the older messages are folded into a
 * summary (written by the model) and the most recent ones are kept
 * verbatim. Nothing is dropped silently: the summary says how many
 * messages it covers, and if summarising fails the messages are kept.
 */
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { LIMITS } from '@hub/contracts/common/wire';
import type { AgentProfile, ChatMessage, SessionActivities, Summary, TokenUsage } from '@hub/contracts';
import { summarizeActivityOptions } from './activity-options';
import { capMessages, jsonBytes } from './carry-budget';
import { describeFailure } from './util';

export interface CompactionInput {
  profile: AgentProfile;
  messages: ChatMessage[];
  summary?: Summary;
  maxCarriedChars?: number;
  keepRecentMessages?: number;
  /** Bound the summary activity's input (bytes): contents cut, only the newest older messages that fit (the summary still covers all). */
  maxInputBytes?: number;
  onUsage: (u: TokenUsage) => void;
}

export interface CompactionResult {
  messages: ChatMessage[];
  summary?: Summary;
  summarizedMessages: number;
}

/** Index where the kept tail starts: a user message, so no tool result is separated from its call. */
export function compactionSplit(messages: ChatMessage[], keepRecent: number): number {
  let split = Math.max(0, messages.length - keepRecent);
  while (split > 0 && messages[split]?.role !== 'user') split--;
  return split;
}

export async function compactConversation(input: CompactionInput): Promise<CompactionResult> {
  const { messages, summary } = input;
  if (JSON.stringify(messages).length <= (input.maxCarriedChars ?? LIMITS.maxCarriedChars)) return { messages, summary, summarizedMessages: 0 };
  const split = compactionSplit(messages, input.keepRecentMessages ?? LIMITS.keepRecentMessages);
  if (split === 0) return { messages, summary, summarizedMessages: 0 };
  const older = messages.slice(0, split);
  try {
    const { summarizeConversation } = proxyActivities<SessionActivities>({
      ...summarizeActivityOptions,
      activityId: `compact/${workflowInfo().runId}`,
    });
    const res = await summarizeConversation({ model: input.profile.model, previousSummary: summary?.text, messages: summaryInput(older, input.maxInputBytes) });
    input.onUsage(res.usage);
    return {
      messages: messages.slice(split),
      summary: { text: res.text, coveredMessages: (summary?.coveredMessages ?? 0) + older.length },
      summarizedMessages: older.length,
    };
  } catch (err) {
    log.warn('could not summarise history; carrying it whole', { error: describeFailure(err) });
    return { messages, summary, summarizedMessages: 0 };
  }
}

/** The messages the summary activity reads: unbounded (older runs), or within `maxBytes`. */
function summaryInput(older: ChatMessage[], maxBytes: number | undefined): ChatMessage[] {
  if (maxBytes === undefined) return older;
  const capped = capMessages(older, 8 * 1024, 'for the summary');
  let total = 0;
  let from = capped.length;
  while (from > 0 && total + jsonBytes(capped[from - 1]) <= maxBytes) total += jsonBytes(capped[--from]);
  return capped.slice(from);
}
