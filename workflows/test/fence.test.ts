/**
 * The lint half of the determinism fence: ESLint's config must reject
 * runtime imports of anything but the allowed modules in workflow code, and
 * accept type-only imports.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Linted as if it were this workflow file (the project service only knows files on disk).
const probePath = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function lint(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: probePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('determinism fence (lint)', () => {
  it('rejects runtime imports of client, activity, node built-ins and openai', async () => {
    const messages = await lint(
      [
        "import { Connection } from '@temporalio/client';",
        "import { readFileSync } from 'node:fs';",
        "import OpenAI from 'openai';",
        'export const x = [Connection, readFileSync, OpenAI];',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toHaveLength(3);
  });

  it('accepts the allowed runtime imports and type-only imports of anything', async () => {
    const messages = await lint(
      [
        "import { condition } from '@temporalio/workflow';",
        "import { WorkflowStream } from '@temporalio/workflow-streams/workflow';",
        "import { z } from 'zod';",
        "import { LIMITS } from '@hub/contracts';",
        "import type { Client } from '@temporalio/client';",
        'export const x = (c?: Client) => [condition, WorkflowStream, z, LIMITS, c];',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.includes('restricted'))).toEqual([]);
  });

  it('rejects Date.now, Math.random and module-level mutable state', async () => {
    const messages = await lint('let n = 0;\nexport const f = () => [Date.now(), Math.random(), n++];\n');
    expect(messages.some((m) => m.includes('Date.now'))).toBe(true);
    expect(messages.some((m) => m.includes('Math.random'))).toBe(true);
    expect(messages.some((m) => m.includes('module-level mutable state'))).toBe(true);
  });
});
