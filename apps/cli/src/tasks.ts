/** `hub tasks run`: follow a saga task's events to its end. */
import type { HubClient, Schema } from '@hub/gateway/client';
import { ok, unreachable } from './api';
import { CliError, EXIT, type ExitCode } from './errors';
import type { Io } from './program';
import { renderTask } from './render';

const FINAL = new Set(['completed', 'failed', 'compensated', 'compensation_failed']);

export async function followTask(io: Io, hub: HubClient, id: string, asJson: boolean): Promise<ExitCode> {
  if (!asJson) io.stderr.write(`Task ${id} started.\n`);
  const stop = new AbortController();
  let interrupted = false;
  const onInt = (): void => {
    interrupted = true;
    stop.abort();
  };
  process.on('SIGINT', onInt);
  try {
    for await (const msg of hub.events('/v1/tasks/{id}/events', id, { signal: stop.signal })) {
      if (msg.event === 'stream.end') break;
      if (!asJson) io.stderr.write(`${msg.event} ${msg.data}\n`);
    }
  } catch (err) {
    if (!interrupted) throw (err as { status?: number }).status ? new CliError(`task ${id} events: ${(err as Error).message}`, EXIT.api) : unreachable(err);
  } finally {
    process.off('SIGINT', onInt);
  }
  if (interrupted) {
    io.stderr.write(`Interrupted; task ${id} keeps running (hub tasks show ${id}).\n`);
    return EXIT.interrupted;
  }
  let task: Schema<'Task'> = await ok(hub.GET('/v1/tasks/{id}', { params: { path: { id } } }), `task ${id}`);
  for (let i = 0; i < 100 && !FINAL.has(task.status); i++) {
    await new Promise((r) => setTimeout(r, 200));
    task = await ok(hub.GET('/v1/tasks/{id}', { params: { path: { id } } }), `task ${id}`);
  }
  io.stdout.write((asJson ? JSON.stringify(task, null, 2) : renderTask(task)) + '\n');
  return task.status === 'completed' ? EXIT.ok : EXIT.failed;
}
