/**
 * `save_note` / `list_notes`: a JSON-lines notes store.
 *
 * Exactly-once writes: every record carries the idempotency key of the
 * activity execution that wrote it (`ToolContext.idempotencyKey`). Saving
 * first looks the key up and, when found, returns the stored note instead of
 * appending again; a new record is appended and fsync'ed before the activity
 * returns, so a retry after a crash at any point either finds the record or
 * writes it for the first time.
 *
 * Concurrency limit: the look-up-then-append is serialised per file inside
 * this process only (an in-process queue; no file lock). That is correct for
 * one worker process, including a retry attempt that overlaps a timed-out
 * attempt in the same worker. Several worker processes (or hosts) writing
 * the same file could both miss the key and write it twice: give each worker
 * its own HUB_NOTES_FILE, or move the store to a database with a unique key,
 * before running more than one. Reading is O(file size) per call, fine for
 * notes; a partially written last line (crash mid-append) is skipped.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { hubDataDir } from '@hub/runtime';
import { defineTool } from './define';

// ---------------------------------------------------------------------------
// Location

/** HUB_NOTES_FILE, else `<HUB_DATA_DIR or <repo root>/.hub>/notes.jsonl`. Read at every call. */
export function resolveNotesFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HUB_NOTES_FILE) return resolve(env.HUB_NOTES_FILE);
  return join(hubDataDir(env), 'notes.jsonl');
}

// ---------------------------------------------------------------------------
// Store

export const NoteRecordSchema = z.object({
  id: z.string(),
  /** Idempotency key of the activity execution that wrote it. */
  key: z.string(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  tenant: z.string().optional(),
  sessionId: z.string().optional(),
});
export type NoteRecord = z.infer<typeof NoteRecordSchema>;

export interface NewNote {
  title: string;
  body: string;
  tenant?: string;
  sessionId?: string;
}

const fileQueues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier `withFileQueue(file, …)` of this process has settled. */
async function withFileQueue<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const prev = fileQueues.get(file) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  fileQueues.set(file, tail);
  try {
    return await run;
  } finally {
    if (fileQueues.get(file) === tail) fileQueues.delete(file);
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseNotes(text: string): NoteRecord[] {
  const notes: NoteRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // torn write
    }
    const parsed = NoteRecordSchema.safeParse(value);
    if (parsed.success) notes.push(parsed.data);
  }
  return notes;
}

export class NotesStore {
  constructor(readonly file: string) {}

  /** All notes, oldest first. */
  async list(): Promise<NoteRecord[]> {
    return parseNotes((await readText(this.file)) ?? '');
  }

  /**
   * Appends the note unless a note with `key` is already stored, in which case
   * that one is returned (`created: false`) and nothing is written.
   */
  async saveOnce(key: string, note: NewNote, now: Date = new Date()): Promise<{ note: NoteRecord; created: boolean }> {
    return withFileQueue(this.file, async () => {
      const text = await readText(this.file);
      const existing = parseNotes(text ?? '').find((n) => n.key === key);
      if (existing) return { note: existing, created: false };

      const record: NoteRecord = {
        id: `note_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
        key,
        title: note.title,
        body: note.body,
        createdAt: now.toISOString(),
        ...(note.tenant !== undefined ? { tenant: note.tenant } : {}),
        ...(note.sessionId !== undefined ? { sessionId: note.sessionId } : {}),
      };
      // Start on a fresh line if an earlier write was torn.
      const prefix = text && !text.endsWith('\n') ? '\n' : '';
      if (text === undefined) await mkdir(dirname(this.file), { recursive: true });
      const fh = await open(this.file, 'a');
      try {
        await fh.appendFile(`${prefix}${JSON.stringify(record)}\n`, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (text === undefined) await syncDir(dirname(this.file));
      return { note: record, created: true };
    });
  }
}

/** Makes a newly created file's directory entry durable (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* ignore */
  }
}

// ---------------------------------------------------------------------------
// Tools

export interface NotesToolOptions {
  /** Where the store lives; default `resolveNotesFile()` at each call. */
  file?: () => string;
  now?: () => Date;
}

export function createNotesTools(opts: NotesToolOptions = {}) {
  const file = opts.file ?? (() => resolveNotesFile());
  const now = opts.now ?? (() => new Date());

  const saveNote = defineTool({
    name: 'save_note',
    description:
      'Save a note (title and body) to the persistent notes store so it can be read back later with list_notes. ' +
      'Requires approval by a human before it runs.',
    requiresApproval: true,
    input: z.object({
      title: z.string().trim().min(1).max(200).describe('Short title of the note'),
      body: z.string().min(1).max(10_000).describe('Text of the note'),
    }),
    async handler({ title, body }, ctx) {
      ctx.signal.throwIfAborted();
      const { note } = await new NotesStore(file()).saveOnce(
        ctx.idempotencyKey,
        { title, body, ...(ctx.tenant !== undefined ? { tenant: ctx.tenant } : {}), ...(ctx.sessionId !== undefined ? { sessionId: ctx.sessionId } : {}) },
        now(),
      );
      // Built from the stored record only, so a retry returns exactly the same content.
      return JSON.stringify({ saved: true, id: note.id, title: note.title, createdAt: note.createdAt });
    },
  });

  const listNotes = defineTool({
    name: 'list_notes',
    description: 'List saved notes, newest first, optionally only those whose title or body contains a text.',
    requiresApproval: false,
    input: z.object({
      limit: z.number().int().min(1).max(100).default(20).describe('Most notes to return (default 20)'),
      contains: z.string().max(200).optional().describe('Only notes whose title or body contains this text (case-insensitive)'),
    }),
    async handler({ limit, contains }, ctx) {
      const needle = contains?.toLowerCase();
      const matching = (await new NotesStore(file()).list())
        // Notes are private to the tenant that wrote them.
        .filter((n) => n.tenant === ctx.tenant)
        .filter((n) => !needle || n.title.toLowerCase().includes(needle) || n.body.toLowerCase().includes(needle))
        .reverse();
      return JSON.stringify({
        total: matching.length,
        notes: matching.slice(0, limit).map(({ id, title, body, createdAt }) => ({ id, title, body, createdAt })),
      });
    },
  });

  return [saveNote, listNotes] as const;
}
