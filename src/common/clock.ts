import { Injectable } from '@nestjs/common';

/** The time source: injected so tests can move time without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
