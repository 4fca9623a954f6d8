import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RATE_LIMITER } from './rate-limit.admission';
import type { RateLimiter } from './rate-limiter';

/** Closes the rate limiter's store (a Redis connection) with the app. */
@Injectable()
export class RateLimiterShutdown implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMITER) private readonly limiter: RateLimiter) {}

  onApplicationShutdown(): Promise<void> {
    return this.limiter.close();
  }
}
