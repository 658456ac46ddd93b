interface Waiting<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the calls made during one turn of the event loop and runs them as
 * one batch, so requests arriving together share a database round trip. A
 * lone call waits for nothing but the end of the turn. `runBatch` answers each
 * input in order. When a batch fails, each of its calls is run alone, so one
 * bad input fails only its own call.
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
    this.settle(batch).catch((error: unknown) => {
      if (batch.length === 1) return batch[0].reject(error);
      for (const call of batch) void this.settle([call]).catch(call.reject);
    });
  }

  private async settle(batch: Waiting<In, Out>[]): Promise<void> {
    const outputs = await this.runBatch(batch.map((w) => w.input));
    batch.forEach((w, i) => w.resolve(outputs[i]));
  }
}
