/**
 * A queue read as an async iterator, ended from either side: the producer ends it (`end`), or the consumer stops
 * reading (`return`, called by the transports when a subscriber leaves), which runs `onReturn` at once, even while
 * a read is waiting (an async generator would wait for its pending await first).
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private readonly readers: ((result: IteratorResult<T>) => void)[] = [];
  private done = false;

  constructor(
    private readonly onReturn: () => void,
    /** Most values kept for a slow reader; past it `overflow` is called (and nothing more is queued). */
    private readonly capacity = 1000,
    private readonly overflow: () => void = () => undefined,
  ) {}

  get ended(): boolean {
    return this.done;
  }

  push(value: T): void {
    if (this.done) return;
    const reader = this.readers.shift();
    if (reader) {
      reader({ value, done: false });
      return;
    }
    if (this.queue.length >= this.capacity) {
      this.overflow();
      return;
    }
    this.queue.push(value);
  }

  /** No more values: readers get what is queued, then the end. */
  end(): void {
    if (this.done) return;
    this.done = true;
    for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
    this.onReturn();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.readers.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
