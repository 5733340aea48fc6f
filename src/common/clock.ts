import { Injectable } from '@nestjs/common';

/** The one source of time, so tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }
}
