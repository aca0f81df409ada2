import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';

export interface RetryOptions {
  logger: Pick<LoggerService, 'warn'>;
  /** Give up (and rethrow) after this many attempts; default: never. */
  attempts?: number;
  maxDelayMs?: number;
}

/**
 * Runs idempotent start-up work until it succeeds, backing off between attempts: a
 * replica that starts before its database, or races another replica creating the same
 * indexes, should wait and try again rather than crash.
 */
export async function retry<T>(what: string, work: () => Promise<T>, { logger, attempts = Infinity, maxDelayMs = 2_000 }: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      const delay = Math.min(100 * 2 ** (attempt - 1), maxDelayMs) * (0.5 + Math.random() / 2);
      logger.warn(`${what} failed (${(error as Error).message}); attempt ${attempt + 1} in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }
}
