import { describe, expect, it } from 'vitest';
import { TOOL_NAME_RE, parseQualifiedName, qualifyServerTools, qualifyToolName } from '../../src/mcp';

describe('qualifyToolName', () => {
  it('joins server and tool with __', () => {
    expect(qualifyToolName('github', 'create_issue')).toBe('github__create_issue');
    expect(qualifyToolName('everything', 'get-sum')).toBe('everything__get-sum');
  });

  it('replaces characters OpenAI does not allow', () => {
    const q = qualifyToolName('fs', 'files.read/v2 now');
    expect(q).toBe('fs__files_read_v2_now');
    expect(q).toMatch(TOOL_NAME_RE);
  });

  it('cuts long names to 64 characters with a stable hash that keeps them apart', () => {
    const server = 's'.repeat(32);
    const a = qualifyToolName(server, `${'x'.repeat(40)}_alpha`);
    const b = qualifyToolName(server, `${'x'.repeat(40)}_beta`);
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(TOOL_NAME_RE);
    expect(qualifyToolName(server, `${'x'.repeat(40)}_alpha`)).toBe(a); // stable
    expect(a.startsWith(`${server}__`)).toBe(true);
  });

  it('keeps names of exactly 64 characters as they are', () => {
    const tool = 't'.repeat(64 - 'srv__'.length);
    expect(qualifyToolName('srv', tool)).toBe(`srv__${tool}`);
  });
});

describe('qualifyServerTools / parseQualifiedName', () => {
  it('maps qualified names back to the ORIGINAL tool names', () => {
    const known = new Map([
      ['fs', ['files.read', 'files.write', 'plain']],
      ['my__srv', ['x']],
    ]);
    expect(parseQualifiedName('fs__files_read', known)).toEqual({ server: 'fs', tool: 'files.read' });
    expect(parseQualifiedName('fs__plain', known)).toEqual({ server: 'fs', tool: 'plain' });
    expect(parseQualifiedName('my__srv__x', known)).toEqual({ server: 'my__srv', tool: 'x' });
    expect(parseQualifiedName('fs__nope', known)).toBeUndefined();
    expect(parseQualifiedName('other__plain', known)).toBeUndefined();
  });

  it('gives tools that sanitise to the same name distinct names, independent of listing order', () => {
    const m1 = qualifyServerTools('s', ['a.b', 'a_b', 'a b']);
    const m2 = qualifyServerTools('s', ['a b', 'a_b', 'a.b']);
    expect([...m1.entries()].sort()).toEqual([...m2.entries()].sort());
    expect(m1.size).toBe(3);
    for (const q of m1.keys()) expect(q).toMatch(TOOL_NAME_RE);
    expect(new Set(m1.values())).toEqual(new Set(['a.b', 'a_b', 'a b']));
    // and they map back
    for (const [q, orig] of m1) expect(parseQualifiedName(q, new Map([['s', m1]]))).toEqual({ server: 's', tool: orig });
  });

  it('maps long truncated names back', () => {
    const server = 'srv';
    const tools = [`${'long'.repeat(20)}_one`, `${'long'.repeat(20)}_two`];
    const known = new Map([[server, tools]]);
    for (const t of tools) expect(parseQualifiedName(qualifyToolName(server, t), known)).toEqual({ server, tool: t });
  });
});
