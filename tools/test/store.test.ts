import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolSpecSchema } from '@hub/contracts';
import { repoRoot as findRepoRoot } from '@hub/runtime';
import { NotesStore, createBuiltinProvider, resolveNotesFile, truncateResult } from '../src';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-notes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('NotesStore', () => {
  it('recovers from a torn last line', async () => {
    const file = join(dir, 'notes.jsonl');
    const store = new NotesStore(file);
    await store.saveOnce('k1', { title: 'a', body: 'b' });
    await appendFile(file, '{"id":"note_x","key":"k2","ti'); // crash mid-append
    expect((await store.list()).map((n) => n.key)).toEqual(['k1']);
    const again = await store.saveOnce('k2', { title: 'c', body: 'd' });
    expect(again.created).toBe(true);
    expect((await store.saveOnce('k1', { title: 'ignored', body: 'ignored' })).created).toBe(false);
    expect((await store.list()).map((n) => n.key)).toEqual(['k1', 'k2']);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);
  });
});

describe('resolveNotesFile', () => {
  it('uses HUB_NOTES_FILE, then HUB_DATA_DIR, then <repo>/.hub', () => {
    expect(resolveNotesFile({ HUB_NOTES_FILE: '/x/n.jsonl', HUB_DATA_DIR: '/y' })).toBe('/x/n.jsonl');
    expect(resolveNotesFile({ HUB_DATA_DIR: '/y' })).toBe('/y/notes.jsonl');
    expect(resolveNotesFile({})).toBe(join(findRepoRoot(), '.hub', 'notes.jsonl'));
    expect(findRepoRoot()).toBe(join(import.meta.dirname, '..', '..'));
  });
});

describe('truncateResult', () => {
  it('does not split a surrogate pair', () => {
    const content = '😀'.repeat(100); // 200 UTF-16 units
    const r = truncateResult({ ok: true, content }, 60);
    expect(r.truncated).toBe(true);
    expect(r.content.length).toBeLessThanOrEqual(60);
    const head = r.content.slice(0, r.content.indexOf('\n…'));
    expect(head).toBe('😀'.repeat(head.length / 2));
    expect(r.content).toMatch(new RegExp(`\\[truncated ${200 - head.length} characters\\]$`));
  });
});

describe('built-in specs', () => {
  it('satisfy the contract schema', async () => {
    for (const spec of await createBuiltinProvider().listTools()) expect(() => ToolSpecSchema.parse(spec)).not.toThrow();
  });
});
