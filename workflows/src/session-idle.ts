/**
 * The session's idle timeout without a timer per turn (patch `IDLE_WATCH_PATCH`).
 *
 * Before, the main loop waited for its next message with `condition(pred, idleTimeoutMs)`: every turn
 * started a timer and cancelled it (two commands and two history events per turn, on a chat turn's path).
 * Now one timer watches the idle deadline: when it fires, the session closes if it has been waiting for a
 * message for `idleTimeoutMs` since its last turn; otherwise the timer is set again for the time left
 * (a full timeout while a turn runs). The deadline is the same: `idleTimeoutMs` after the session last
 * started waiting.
 */
import { condition, sleep } from '@temporalio/workflow';
import { nowIso } from './util';

/** Workflow time (ms). */
const now = (): number => Date.parse(nowIso());

export const IDLE_WATCH_PATCH = 'session-idle-watch';

export class IdleWatch {
  /** Workflow time at which the session started waiting for a message; undefined while it is busy. */
  #waitingSince: number | undefined;
  #expired = false;
  #watching = false;

  constructor(private readonly idleTimeoutMs: number) {}

  /**
   * Waits until `ready()` holds (true) or the session has waited `idleTimeoutMs` in this call (false),
   * like `condition(ready, idleTimeoutMs)`.
   */
  async wait(ready: () => boolean): Promise<boolean> {
    if (ready()) return true;
    this.#waitingSince = now();
    if (!this.#watching) {
      this.#watching = true;
      void this.#watch();
    }
    await condition(() => ready() || this.#expired);
    this.#waitingSince = undefined;
    if (!ready()) return false;
    if (this.#expired) {
      // Ready at the deadline: the session goes on, watched again from its next wait.
      this.#expired = false;
      this.#watching = false;
    }
    return true;
  }

  async #watch(): Promise<void> {
    let wait = this.idleTimeoutMs;
    for (;;) {
      await sleep(wait);
      const since = this.#waitingSince;
      if (since === undefined) {
        wait = this.idleTimeoutMs; // busy: the deadline is at least a full timeout away
        continue;
      }
      const waited = now() - since;
      if (waited >= this.idleTimeoutMs) {
        this.#expired = true;
        return;
      }
      wait = Math.max(1, this.idleTimeoutMs - waited);
    }
  }
}
