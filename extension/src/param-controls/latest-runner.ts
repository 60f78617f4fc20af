// Re-runs of a cell while a control moves: at most one in flight, the latest request runs next.

/**
 * `request()` starts a run at once when none is in flight; otherwise it only marks that one
 * more run is wanted. When the run in flight finishes, one run starts if any request came
 * meanwhile, however many. The run reads the cell's source when it starts, and the source
 * already holds the latest value, so the last value always wins and no stale run is queued.
 */
export class LatestRunner {
  private inFlight: Promise<void> | null = null;
  private wanted = false;
  private disposed = false;
  /** Runs started so far (for the page and its tests). */
  started = 0;

  constructor(private readonly run: () => Promise<unknown>, private readonly onError: (error: unknown) => void = () => undefined) {}

  get busy(): boolean {
    return this.inFlight !== null;
  }

  request(): void {
    if (this.disposed) return;
    if (this.inFlight !== null) {
      this.wanted = true;
      return;
    }
    this.inFlight = this.loop();
  }

  /** Resolves once no run is in flight and none is wanted. */
  async idle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  dispose(): void {
    this.disposed = true;
    this.wanted = false;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.wanted = false;
        this.started++;
        try {
          await this.run();
        } catch (error) {
          this.onError(error);
        }
      } while (this.wanted && !this.disposed);
    } finally {
      this.inFlight = null;
    }
  }
}
