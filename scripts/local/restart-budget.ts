/**
 * How often `npm start` restarts a component that died: a few times in a window (a crash under a
 * load test, an out-of-memory kill), then it gives up and says so, rather than looping forever.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly max = 3,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** take one restart at time `now` (ms); false when `max` were taken within the window already */
  take(now: number): boolean {
    while (this.restarts.length > 0 && now - this.restarts[0] >= this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(now);
    return true;
  }
}
