/** Gives back a turn; safe to call more than once. */
export type Release = () => void;

function gate(): { promise: Promise<void>; release: Release } {
  let release: Release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/**
 * A readers–writer queue for the operations of one HTTP request (Yoga batching): they
 * share one session, so a mutation runs alone — it must not commit a sibling's half-done
 * changes, and its `discard()` after a failure must not roll back a sibling's — while
 * queries, which only read, run side by side. Turns are granted in arrival order.
 */
export class Turns {
  /** Settles when the last exclusive turn handed out has been released. */
  #writer: Promise<void> = Promise.resolve();
  /** The shared turns handed out since that exclusive one. */
  #readers: Promise<void>[] = [];

  /** A turn beside other shared turns, after every earlier exclusive one. */
  async shared(): Promise<Release> {
    const { promise, release } = gate();
    const after = this.#writer;
    this.#readers.push(promise);
    await after;
    return release;
  }

  /** A turn alone, after every earlier turn. */
  async exclusive(): Promise<Release> {
    const { promise, release } = gate();
    const after = Promise.all([this.#writer, ...this.#readers]);
    this.#writer = promise;
    this.#readers = [];
    await after;
    return release;
  }
}
