/**
 * The bare baselines' activities: one call (the child-workflow baseline's) and a batch of calls (the
 * batched baseline's, the shape of the hub's `researchAgentBatch`: at most `concurrency` calls at once
 * inside one activity, each finished answer recorded in the heartbeat details and skipped by a retry).
 */
import { Context } from '@temporalio/activity';
import { createBaselineActivities } from '../baseline/activities';

export interface BareBatchInput {
  prompts: string[];
  concurrency: number;
}

export function createBareActivities(llmUrl: string) {
  const { complete } = createBaselineActivities(llmUrl);
  return {
    complete,
    async completeBatch(input: BareBatchInput): Promise<string[]> {
      const ctx = Context.current();
      const answers: Array<string | undefined> = [...((ctx.info.heartbeatDetails as Array<string | undefined> | undefined) ?? [])];
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < input.prompts.length) {
          const i = next++;
          if (answers[i] !== undefined) continue;
          answers[i] = await complete(input.prompts[i]!);
          ctx.heartbeat(answers);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, input.prompts.length)) }, lane));
      return answers.map((a) => a ?? '');
    },
  };
}
export type BareActivities = ReturnType<typeof createBareActivities>;
