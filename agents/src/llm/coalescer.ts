/**
 * Coalesces text deltas so that at most one emission happens per `intervalMs`
 * window (leading edge: a delta arriving after a quiet window is emitted at
 * once; later ones are concatenated and emitted when the window ends).
 * With `quietStart`, the first window starts at construction, so nothing is
 * emitted during the first `intervalMs`.
 */
export class DeltaCoalescer {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private lastEmit: number;
  /** Whether anything has been emitted yet. */
  emitted = false;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (text: string) => void,
    private readonly now: () => number = Date.now,
    opts: { quietStart?: boolean } = {},
  ) {
    this.lastEmit = opts.quietStart ? now() : Number.NEGATIVE_INFINITY;
  }

  /** Drop what is buffered without emitting it. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = '';
  }

  push(delta: string): void {
    if (!delta) return;
    this.buffer += delta;
    if (this.timer) return;
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
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.lastEmit = this.now();
    this.emitted = true;
    this.emit(text);
  }
}
