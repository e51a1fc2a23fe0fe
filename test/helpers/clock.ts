/**
 * The tests' one clock: moved by hand, so tests never sleep. Pass `clock.now` as the
 * manager's `clock`; `advance` moves it by seconds, `set` to an instant (ms since the epoch).
 */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => Date; advance(seconds: number): void; set(ms: number): void } {
  let current = start;
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
    set(ms: number) {
      current = ms;
    },
  };
}
