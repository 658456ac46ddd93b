interface Waiting<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the calls made during one turn of the event loop and runs them as
 * one batch, so requests arriving together share a database round trip. A
 * lone call waits for nothing but the end of the turn. `runBatch` answers each
 * input in order; when it fails, every call of the batch fails with its error.
 */
export class MicroBatcher<In, Out> {
  private waiting: Waiting<In, Out>[] = [];

  constructor(
    private readonly runBatch: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 100,
  ) {}

  run(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
      else if (this.waiting.length >= this.maxBatch) this.flush();
    });
  }

  private flush(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    Promise.resolve(batch.map((w) => w.input))
      .then((inputs) => this.runBatch(inputs))
      .then(
        (outputs) => batch.forEach((w, i) => w.resolve(outputs[i])),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      );
  }
}
