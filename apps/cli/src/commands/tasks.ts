/** `hub tasks run | show | approve | deny`: saga tasks; `run` follows a task's events to its end. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HubClient, Schema } from '@hub/gateway/client';
import { ok, unreachable } from '../api';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { Io } from '../io';
import { renderTask } from '../render';
import { print, printJson, type CommandContext } from './context';

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
      if (!asJson && msg.event === 'approval.requested') {
        const { approval } = JSON.parse(msg.data) as { approval: { approvalId: string } };
        io.stderr.write(`Waiting for approval: hub tasks approve ${id} ${approval.approvalId}   (or: hub tasks deny ${id} ${approval.approvalId})\n`);
      }
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

export function registerTasks(program: Command, { io, hub, run }: CommandContext): void {
  const tasks = program.command('tasks').description('Saga tasks: run from a file, show, approve or deny a step');
  tasks
    .command('run')
    .description('Start a saga task from a JSON file ({"steps": [...]}, as POST /v1/tasks) and follow it to the end')
    .argument('<file>', 'JSON file with the task')
    .option('--no-wait', 'print the task id and return at once')
    .option('--json', 'print the final task as JSON')
    .addHelpText('after', '\nExit code 0 when every step completed, 1 when the task failed (compensated or not).')
    .action(
      run(async (file: string, opts: { wait: boolean; json?: boolean }, cmd: Command) => {
        let body: Schema<'CreateTask'>;
        try {
          body = JSON.parse(readFileSync(file, 'utf8')) as Schema<'CreateTask'>;
        } catch (err) {
          throw new CliError(`tasks run: cannot read ${file}: ${(err as Error).message}`, EXIT.usage);
        }
        const client = hub(cmd);
        const accepted = await ok(client.POST('/v1/tasks', { body }), 'task');
        if (!opts.wait) {
          if (opts.json) printJson(io, accepted);
          else print(io, accepted.id);
          return EXIT.ok;
        }
        return followTask(io, client, accepted.id, opts.json ?? false);
      }),
    );
  tasks
    .command('show')
    .description('A task with the status of each step and compensation')
    .argument('<id>', 'task id')
    .option('--json', 'print JSON')
    .action(
      run(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        const task = await ok(hub(cmd).GET('/v1/tasks/{id}', { params: { path: { id } } }), `task ${id}`);
        if (opts.json) printJson(io, task);
        else print(io, renderTask(task));
        return EXIT.ok;
      }),
    );
  for (const approve of [true, false]) {
    tasks
      .command(approve ? 'approve' : 'deny')
      .description(approve ? 'Approve a task step that waits for approval' : 'Deny a task step that waits for approval (the step fails, earlier steps are compensated)')
      .argument('<id>', 'task id')
      .argument('<approvalId>', 'the approval id (step-<index>; see hub tasks show)')
      .option('--reason <text>', 'why (kept with the decision)')
      .action(
        run(async (id: string, approvalId: string, opts: { reason?: string }, cmd: Command) => {
          await ok(
            hub(cmd).POST('/v1/tasks/{id}/approvals/{approvalId}', {
              params: { path: { id, approvalId } },
              body: { approve, ...(opts.reason !== undefined ? { reason: opts.reason } : {}) },
            }),
            `approval ${approvalId} of task ${id}`,
          );
          print(io, `${approve ? 'Approved' : 'Denied'} ${approvalId} of task ${id}.`);
          return EXIT.ok;
        }),
      );
  }
}
