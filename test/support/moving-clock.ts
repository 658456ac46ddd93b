import { Clock } from '../../src/common/clock';

/**
 * A clock that runs like the real one from a chosen instant, and can jump
 * ahead: delayed jobs keep firing on real timers while the service believes
 * it is, say, Monday 10:00 in Paris.
 */
export class MovingClock extends Clock {
  private offsetMs: number;

  constructor(start: Date) {
    super();
    this.offsetMs = start.getTime() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
