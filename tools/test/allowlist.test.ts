import { describe, expect, it } from 'vitest';
import type { ToolResult, ToolSpec } from '@hub/contracts';
import { ToolRegistry, UnknownToolError, createBuiltinProvider, matchesAllowlist, type ToolContext, type ToolProvider } from '../src';

describe('matchesAllowlist', () => {
  it('matches exact names', () => {
    expect(matchesAllowlist('calculator', ['calculator'])).toBe(true);
    expect(matchesAllowlist('calculator', ['current_time'])).toBe(false);
    expect(matchesAllowlist('calculator', ['Calculator'])).toBe(false);
  });

  it('empty allowlist allows nothing', () => {
    expect(matchesAllowlist('calculator', [])).toBe(false);
    expect(matchesAllowlist('calculator', [''])).toBe(false);
  });

  it('* matches every name', () => {
    for (const n of ['calculator', 'save_note', 'github__create_issue', 'a-b']) expect(matchesAllowlist(n, ['*'])).toBe(true);
  });

  it('prefix__* matches a server namespace only', () => {
    expect(matchesAllowlist('github__create_issue', ['github__*'])).toBe(true);
    expect(matchesAllowlist('github__', ['github__*'])).toBe(true);
    expect(matchesAllowlist('gitlab__create_issue', ['github__*'])).toBe(false);
    expect(matchesAllowlist('github_create_issue', ['github__*'])).toBe(false);
    expect(matchesAllowlist('xgithub__a', ['github__*'])).toBe(false);
  });

  it('? matches exactly one character', () => {
    expect(matchesAllowlist('calculator', ['calc?lator'])).toBe(true);
    expect(matchesAllowlist('calclator', ['calc?lator'])).toBe(false);
    expect(matchesAllowlist('tool_1', ['tool_?'])).toBe(true);
    expect(matchesAllowlist('tool_12', ['tool_?'])).toBe(false);
  });

  it('any matching pattern allows', () => {
    expect(matchesAllowlist('save_note', ['calculator', 'save_*'])).toBe(true);
    expect(matchesAllowlist('list_notes', ['{save,list}_notes'])).toBe(true);
  });

  it('does not treat a leading ! as "everything except"', () => {
    expect(matchesAllowlist('calculator', ['!save_note'])).toBe(false);
    expect(matchesAllowlist('calculator', ['!(save_note)'])).toBe(false);
  });
});

describe('ToolRegistry', () => {
  const fakeProvider = (names: string[], tag: string): ToolProvider => ({
    id: tag,
    async listTools(): Promise<ToolSpec[]> {
      return names.map((name) => ({ name, description: tag, parameters: { type: 'object' }, requiresApproval: false }));
    },
    async call(name: string): Promise<ToolResult> {
      return { ok: true, content: `${tag}:${name}` };
    },
  });
  const ctx: ToolContext = { idempotencyKey: 'k', signal: new AbortController().signal, heartbeat: () => {} };

  it('lists built-in tools filtered by the allowlist', async () => {
    const reg = new ToolRegistry([createBuiltinProvider()]);
    expect((await reg.listTools([])).map((t) => t.name)).toEqual([]);
    expect((await reg.listTools(['*'])).map((t) => t.name).sort()).toEqual(['calculator', 'current_time', 'list_notes', 'save_note']);
    expect((await reg.listTools(['calculator', '*_notes'])).map((t) => t.name)).toEqual(['calculator', 'list_notes']);
    const save = (await reg.listTools(['save_note']))[0]!;
    expect(save.requiresApproval).toBe(true);
    expect(save.parameters).toMatchObject({ type: 'object', required: ['title', 'body'] });
    expect(save.parameters).not.toHaveProperty('$schema');
  });

  it('combines providers; the first provider wins a name clash', async () => {
    const reg = new ToolRegistry([fakeProvider(['a', 'b'], 'one')]).addProvider(fakeProvider(['b', 'srv__c'], 'two'));
    expect((await reg.allTools()).map((t) => `${t.description}:${t.name}`)).toEqual(['one:a', 'one:b', 'two:srv__c']);
    expect((await reg.listTools(['srv__*'])).map((t) => t.name)).toEqual(['srv__c']);
    expect(await reg.call('b', {}, ctx)).toEqual({ ok: true, content: 'one:b' });
    expect(await reg.call('srv__c', {}, ctx)).toEqual({ ok: true, content: 'two:srv__c' });
    await expect(reg.call('nope', {}, ctx)).rejects.toBeInstanceOf(UnknownToolError);
  });
});
