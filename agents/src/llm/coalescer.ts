/**
 * Coalesces text deltas so that at most one emission happens per `intervalMs`
 * window (leading edge: a delta arriving after a quiet window is emitted at
 * once; later ones are concatenated and emitted when the window ends).
 *
 * With `deferFirst`, the very first emission waits for the next turn of the
 * event loop (`setImmediate`) instead of happening inside `push`: deltas that
 * arrived in the same read (e.g. a whole short reply) go out together, and a
 * caller that finishes before then may `discard()` them (nothing was emitted).
 * The first delta of a streamed reply still leaves at once, without waiting
 * for a window.
 */
export class DeltaCoalescer {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastEmit = Number.NEGATIVE_INFINITY;
  /** Whether anything has been emitted yet. */
  emitted = false;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (text: string) => void,
    private readonly now: () => number = Date.now,
    private readonly opts: { deferFirst?: boolean } = {},
  ) {}

  /** Drop what is buffered without emitting it. */
  discard(): void {
    this.cancelTimers();
    this.buffer = '';
  }

  /** Whether an emission is due (a window or the deferred first emission is pending). */
  get pending(): boolean {
    return this.timer !== undefined || this.immediate !== undefined;
  }

  push(delta: string): void {
    if (!delta) return;
    this.buffer += delta;
    if (this.pending) return;
    if (!this.emitted && this.opts.deferFirst) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
      return;
    }
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  /** Emit whatever is buffered now (call before finishing). */
  flush(): void {
    this.cancelTimers();
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.lastEmit = this.now();
    this.emitted = true;
    this.emit(text);
  }

  private cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
