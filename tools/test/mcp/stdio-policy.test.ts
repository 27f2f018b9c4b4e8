/**
 * The stdio allowlist names whole invocations (issue 11, #1): with
 * `/usr/bin/node` allowlisted, `node -e …`, `NODE_OPTIONS=--require …`,
 * `LD_PRELOAD` and a `cwd` outside the operator's root are all refused.
 */
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubConfigSchema, McpServerRegistrationSchema, formatIssues } from '@hub/contracts';
import { McpSafetyError, argMatches, assertStdioAllowed, assertStdioInvocationAllowed } from '../../src/mcp';

const security = (list: unknown[], stdioCwdRoot?: string) =>
  HubConfigSchema.parse({ security: { stdioCommandAllowlist: list, ...(stdioCwdRoot ? { stdioCwdRoot } : {}) } }).security;

const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(McpSafetyError);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('a plain command entry', () => {
  const sec = security(['/usr/bin/node']);
  it('allows that command with no arguments only', () => {
    expect(() => assertStdioInvocationAllowed({ command: '/usr/bin/node' }, sec)).not.toThrow();
    expect(refusal(() => assertStdioInvocationAllowed({ command: '/usr/bin/node', args: ['-e', 'require("child_process").execSync("id")'] }, sec))).toMatch(
      /takes no arguments, not 2/,
    );
    expect(refusal(() => assertStdioInvocationAllowed({ command: '/bin/sh', args: [] }, sec))).toMatch(/"\/bin\/sh" is not allowed.*stdioCommandAllowlist/);
  });

  it('the command-only check (kept for callers that have only a command) still refuses unknown commands', () => {
    expect(() => assertStdioAllowed('/usr/bin/node', sec.stdioCommandAllowlist)).not.toThrow();
    expect(() => assertStdioAllowed('node', sec.stdioCommandAllowlist)).toThrow(McpSafetyError);
  });
});

describe('an entry with argument patterns', () => {
  const sec = security([
    { command: '/usr/bin/node', args: ['/opt/mcp/pinboard/main.js', '/srv/data/**'], env: ['PINBOARD_*'] },
    { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/shared/*'] },
  ]);

  it('allows the invocation it describes', () => {
    expect(() =>
      assertStdioInvocationAllowed({ command: '/usr/bin/node', args: ['/opt/mcp/pinboard/main.js', '/srv/data/a/b.json'], env: { PINBOARD_FILE: '/x' } }, sec),
    ).not.toThrow();
    expect(() => assertStdioInvocationAllowed({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/shared/team'] }, sec)).not.toThrow();
  });

  it('refuses other scripts, extra or missing arguments, options and traversal through a glob', () => {
    const node = (args: string[]) => () => assertStdioInvocationAllowed({ command: '/usr/bin/node', args }, sec);
    expect(refusal(node(['-e']))).toMatch(/exactly 2 argument/);
    expect(refusal(node(['-e', 'require("child_process").execSync("id")']))).toMatch(/argument 0/);
    expect(refusal(node(['/tmp/evil.js', '/srv/data/x']))).toMatch(/argument 0/);
    expect(refusal(node(['/opt/mcp/pinboard/main.js', '/srv/data/x', '--inspect']))).toMatch(/not 3/);
    expect(refusal(node(['/opt/mcp/pinboard/main.js', '/srv/data/../../etc/passwd']))).toMatch(/argument 1/);
    expect(refusal(node(['--require', '/srv/data/x']))).toMatch(/argument 0/);
    expect(refusal(() => assertStdioInvocationAllowed({ command: 'npx', args: ['-y', '@evil/pkg', '/srv/shared/x'] }, sec))).toMatch(/argument 1/);
  });

  it('refuses environment variables the entry does not name', () => {
    const msg = refusal(() =>
      assertStdioInvocationAllowed({ command: '/usr/bin/node', args: ['/opt/mcp/pinboard/main.js', '/srv/data/x'], env: { OTHER: '1' } }, sec),
    );
    expect(msg).toMatch(/OTHER are not among/);
  });

  it('globs never match an option, a NUL or a .. segment', () => {
    expect(argMatches('-e', '*')).toBe(false);
    expect(argMatches('--require=/x', '**')).toBe(false);
    expect(argMatches('-v', '-*')).toBe(true);
    expect(argMatches('a/../b', '**')).toBe(false);
    expect(argMatches('/srv/data/x', '/srv/data/*')).toBe(true);
    expect(argMatches('/srv/data/x/y', '/srv/data/*')).toBe(false);
  });
});

describe('loader and interpreter variables', () => {
  const sec = security([{ command: '/usr/bin/node', env: ['*'] }]);
  it.each(['NODE_OPTIONS', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'PYTHONSTARTUP', 'PERL5OPT', 'RUBYOPT', 'BASH_ENV', 'ENV', 'JAVA_TOOL_OPTIONS', 'npm_config_registry', 'PATH', 'node_options'])(
    'refuses %s even when the entry allows every name, and the registration schema names it (400)',
    (name) => {
      expect(refusal(() => assertStdioInvocationAllowed({ command: '/usr/bin/node', env: { [name]: '--require /tmp/x.js' } }, sec))).toContain(name);
      const parsed = McpServerRegistrationSchema.safeParse({ name: 'x', command: '/usr/bin/node', env: { SAFE: '1', [name]: 'x' } });
      expect(parsed.success).toBe(false);
      expect(formatIssues(parsed.error!.issues)).toMatch(new RegExp(`^env: environment variable ${name} is not allowed`));
    },
  );

  it('allows ordinary variables', () => {
    expect(McpServerRegistrationSchema.safeParse({ name: 'x', command: '/usr/bin/node', env: { PINBOARD_FILE: '/x', API_TOKEN: 't' } }).success).toBe(true);
    expect(() => assertStdioInvocationAllowed({ command: '/usr/bin/node', env: { PINBOARD_FILE: '/x' } }, sec)).not.toThrow();
  });
});

describe('cwd', () => {
  const root = mkdtempSync(join(tmpdir(), 'hub-cwd-'));
  mkdirSync(join(root, 'srv'));
  symlinkSync('/etc', join(root, 'srv', 'etc-link'));
  const node = (cwd: string) => ({ command: '/usr/bin/node', cwd });

  it('is refused without an operator root', () => {
    expect(refusal(() => assertStdioInvocationAllowed(node('/tmp'), security(['/usr/bin/node'])))).toMatch(/stdioCwdRoot is not set/);
  });

  it('must lie in the root, also after resolving links on the worker', () => {
    const sec = security(['/usr/bin/node'], root);
    expect(() => assertStdioInvocationAllowed(node(join(root, 'srv')), sec, { resolveLinks: true })).not.toThrow();
    expect(refusal(() => assertStdioInvocationAllowed(node('/etc'), sec))).toMatch(/outside security\.stdioCwdRoot/);
    expect(refusal(() => assertStdioInvocationAllowed(node(`${root}-evil`), sec))).toMatch(/outside/);
    expect(refusal(() => assertStdioInvocationAllowed(node(`${root}/srv/../..`), sec))).toMatch(/absolute path without/);
    expect(refusal(() => assertStdioInvocationAllowed(node(join(root, 'srv', 'etc-link')), sec, { resolveLinks: true }))).toMatch(/symbolic link/);
  });

  it('is checked by the registration schema too', () => {
    expect(McpServerRegistrationSchema.safeParse({ name: 'x', command: 'n', cwd: 'relative/dir' }).success).toBe(false);
    expect(McpServerRegistrationSchema.safeParse({ name: 'x', command: 'n', cwd: '/a/../b' }).success).toBe(false);
  });
});

describe('the config file', () => {
  it('accepts plain and full entries and refuses malformed ones with the field path', () => {
    expect(security(['npx', { command: 'node', args: ['a.js'], env: ['A_*'] }]).stdioCommandAllowlist).toHaveLength(2);
    const bad = HubConfigSchema.safeParse({ security: { stdioCommandAllowlist: [{ command: 'node', argz: [] }], stdioCwdRoot: 'rel' } });
    expect(bad.success).toBe(false);
    expect(formatIssues(bad.error!.issues)).toMatch(/security\.stdioCwdRoot/);
  });
});
