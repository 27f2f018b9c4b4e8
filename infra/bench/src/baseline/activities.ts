/** The baseline's one activity: a plain HTTP call to the same instant fake LLM the hub uses. */
export function createBaselineActivities(llmUrl: string) {
  return {
    async complete(text: string): Promise<string> {
      const res = await fetch(`${llmUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: text }] }),
      });
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      return body.choices[0]?.message.content ?? '';
    },
  };
}
export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
