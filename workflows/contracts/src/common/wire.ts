/**
 * The zod-free helpers every part of the hub shares: the task queue, the one
 * way to name a zod issue's field and to put issues in one line, and the one
 * map from a workflow's Temporal status to the status the API reports.
 * Workflow code imports this module at runtime (`@hub/contracts/common/wire`).
 */

/** The task queue the worker polls and the gateway starts workflows on, unless `HUB_TASK_QUEUE` says otherwise. */
export const DEFAULT_TASK_QUEUE = 'agent-hub';

/** A zod issue's path as one string: `a.b[0].c`; `(root)` for the empty path. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/**
 * Validation issues in one line, naming each field: `a.b[0]: message; c: message`.
 * `root` names the empty path (default `(root)`, e.g. `body` or `arguments`);
 * with `root: ''` an issue of the whole value is just its message.
 */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, root = '(root)'): string {
  return issues
    .map((i) => {
      const where = i.path.length === 0 ? root : issuePath(i.path);
      return where ? `${where}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** The hub's workflow kinds that the API lists with a status. */
export type WorkflowKind = 'session' | 'research' | 'task';

const CLOSED_ALIKE = {
  RUNNING: 'running',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
} as const;

const API_STATUS = {
  /** A session ends by being closed; it continues-as-new to compact its history. */
  session: { ...CLOSED_ALIKE, COMPLETED: 'closed', CONTINUED_AS_NEW: 'continued_as_new' },
  research: { ...CLOSED_ALIKE, COMPLETED: 'finished' },
  task: { ...CLOSED_ALIKE, COMPLETED: 'finished' },
} as const satisfies Record<WorkflowKind, Record<string, string>>;

/** What the API reports for a workflow of kind `K` (`unknown` for a status it does not know). */
export type ApiStatus<K extends WorkflowKind> = (typeof API_STATUS)[K][keyof (typeof API_STATUS)[K]] | 'unknown';

/**
 * The API status of a workflow from its Temporal status name (`RUNNING`, `COMPLETED`, …):
 * `COMPLETED` is `closed` for a session and `finished` for a research job or a task; the
 * others are the lower-case names; anything else is `unknown`. Case-insensitive, so a
 * research job's own final status (`completed`, `failed`, `cancelled`) maps the same way.
 */
export function apiStatusOf<K extends WorkflowKind>(kind: K, temporalStatus: string): ApiStatus<K> {
  const map: Readonly<Record<string, string>> = API_STATUS[kind];
  const key = temporalStatus.toUpperCase();
  return (Object.prototype.hasOwnProperty.call(map, key) ? map[key] : 'unknown') as ApiStatus<K>;
}
