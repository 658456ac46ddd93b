/**
 * Work that must not overlap for one key (one conversation, one ticket, one
 * Slack thread): each piece starts when the previous one of its key has
 * ended, failed or not, in the order they came. Keys with nothing pending are
 * forgotten, so the map holds only what is in flight.
 */
export class OneAtATimeByKey {
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.last.get(key);
    const piece = previous ? previous.catch(() => undefined).then(work) : work();
    this.last.set(key, piece);
    void piece
      .catch(() => undefined)
      .finally(() => {
        if (this.last.get(key) === piece) this.last.delete(key);
      });
    return piece;
  }
}
