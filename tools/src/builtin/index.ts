import { calculatorTool } from './calculator';
import { createCurrentTimeTool } from './current-time';
import { BuiltinToolProvider, type BuiltinTool } from './define';
import { createNotesTools, type NotesToolOptions } from './notes';

export * from './calculator';
export * from './current-time';
export * from './define';
export * from './notes';

export interface BuiltinToolsOptions {
  /** Clock for `current_time` and note timestamps. */
  now?: () => Date;
  /** Notes store location; default HUB_NOTES_FILE / HUB_DATA_DIR / `<repo>/.hub/notes.jsonl`, read per call. */
  notesFile?: NotesToolOptions['file'];
}

/** calculator, current_time, save_note, list_notes. */
export function createBuiltinTools(opts: BuiltinToolsOptions = {}): BuiltinTool[] {
  const notesOpts: NotesToolOptions = {};
  if (opts.notesFile) notesOpts.file = opts.notesFile;
  if (opts.now) notesOpts.now = opts.now;
  return [calculatorTool, createCurrentTimeTool(opts.now), ...createNotesTools(notesOpts)];
}

export function createBuiltinProvider(opts: BuiltinToolsOptions = {}): BuiltinToolProvider {
  return new BuiltinToolProvider(createBuiltinTools(opts));
}
