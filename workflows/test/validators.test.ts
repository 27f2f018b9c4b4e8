/**
 * The workflows' validators build the contracts' schemas from the few zod functions `validators.ts` hands over
 * (not the whole of zod): they must accept and refuse exactly what the same schemas in `@hub/contracts` do.
 */
import { describe, expect, it } from 'vitest';
import {
  McpServerRegistrationSchema,
  ResearchPlanSchema,
  SendMessageInputSchema,
  mcpServerSchemas,
  researchPlanJsonSchema,
  researchPlanSchemas,
  sendMessageSchemas,
} from '@hub/contracts';
import { check, withZod } from '../src/validators';

const sendMessage = withZod((z) => sendMessageSchemas(z).sendMessageInput);
const registration = withZod((z) => mcpServerSchemas(z).registration);
const plan = withZod(researchPlanSchemas);

describe('workflow validators', () => {
  it('build each schema once', () => {
    expect(sendMessage()).toBe(sendMessage());
  });

  it('check user messages as the API does, naming the field', () => {
    expect(check(sendMessage(), { text: 'hi', interrupt: true }, 'input')).toEqual({ ok: true, value: { text: 'hi', interrupt: true } });
    expect(check(sendMessage(), { text: '  ' }, 'input')).toEqual({ ok: false, error: 'text: message text must not be empty' });
    expect(check(sendMessage(), 'hi', 'input')).toMatchObject({ ok: false, error: expect.stringMatching(/^input: /) });
    for (const value of [{ text: 'x' }, { text: '' }, { text: 1 }, {}, null]) {
      expect(check(sendMessage(), value, 'input').ok).toBe(SendMessageInputSchema.safeParse(value).success);
    }
  });

  it('check MCP server registrations as the API does', () => {
    const cases = [
      { name: 'srv', url: 'https://mcp.example.org/mcp' },
      { name: 'srv', url: 'ftp://mcp.example.org' },
      { name: 'srv', command: 'node', args: ['server.js'], requiresApproval: ['write_*'] },
      { name: 'srv', command: '' },
      { name: 'bad name', command: 'node' },
      { name: 'srv', command: 'node', timeouts: { callMs: 0 } },
    ];
    for (const value of cases) {
      const mine = check(registration(), value, 'body');
      const api = McpServerRegistrationSchema.safeParse(value);
      expect(mine.ok).toBe(api.success);
      if (!mine.ok) expect(mine.error).toContain(api.error!.issues[0]!.message);
    }
  });

  it('build the research plan and its JSON schema as the contracts do', () => {
    expect(plan().jsonSchema()).toEqual(researchPlanJsonSchema());
    for (const value of [{ subQuestions: [{ question: 'q', focus: 'f' }] }, { subQuestions: [] }, { subQuestions: [{ question: 'q' }] }]) {
      expect(plan().plan.safeParse(value).success).toBe(ResearchPlanSchema.safeParse(value).success);
    }
  });
});
