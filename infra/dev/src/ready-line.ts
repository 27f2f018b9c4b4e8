/**
 * Waiting for a spawned child process to log that it is ready (the supervisor,
 * the e2e stack and the test helpers that spawn the hub's services).
 */
import type { ChildProcess } from 'node:child_process';

export interface ReadyChild {
  proc: ChildProcess;
  /** Every line the process printed (stdout and stderr), in order; it keeps growing. */
  output: string[];
  exited: Promise<number | null>;
  /** The line that said the process was ready. */
  readyLine: string;
}

export interface WaitForReadyOptions {
  /** Name used in error messages and echoed lines. */
  name: string;
  ready: (line: string) => boolean;
  timeoutMs: number;
  /** Echo the process's output to stderr, prefixed with its name. */
  echo?: boolean;
}

/**
 * Collects a child's output lines and resolves once one satisfies `ready`. It rejects, and kills the child,
 * if that takes longer than `timeoutMs` or the child exits first; both errors end with its last output lines.
 */
export function waitForReadyLine(proc: ChildProcess, o: WaitForReadyOptions): Promise<ReadyChild> {
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const tail = () => output.slice(-30).join('\n');
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => fail(new Error(`${o.name} not ready in ${o.timeoutMs / 1000} s:\n${tail()}`)), o.timeoutMs);
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        if (o.echo) process.stderr.write(`[${o.name}] ${line}\n`);
        if (!done && o.ready(line)) {
          done = true;
          clearTimeout(timer);
          resolve({ proc, output, exited, readyLine: line });
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => fail(new Error(`${o.name} exited early (code ${code}):\n${tail()}`)));
  });
}
