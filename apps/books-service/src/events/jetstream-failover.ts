import { setTimeout as sleep } from 'node:timers/promises';
import { RequestError, TimeoutError } from '@nats-io/transport-node';

/**
 * How long a JetStream write (an event publish, an outbox put) is retried while its stream has
 * no leader. In a NATS cluster a stream moves to another node when its leader stops: a node
 * shut down gracefully hands it over in ~0.1 s, and this rides that out; a node that dies
 * leaves the stream leaderless until the others elect one (5-9 s with nats-server 2.9, which
 * does not let that be tuned), longer than a write may wait: those writes fail as before
 * (503 before the commit, the relay after it).
 */
export const JETSTREAM_FAILOVER_MS = 1_000;

/** The answers of a stream with no leader: nobody takes its subjects (no responders), or no ack comes. */
export function isLeaderless(error: unknown): boolean {
  const noResponders = (e: unknown) => e instanceof RequestError && e.isNoResponders();
  // nats.js reports no responders to a JetStream publish as "jetstream is not enabled", with the cause kept.
  return error instanceof TimeoutError || noResponders(error) || (error instanceof Error && noResponders(error.cause));
}

/** Runs a JetStream write, again after a short pause while the stream is leaderless, for up to `budgetMs`. */
export async function acrossFailover<T>(write: () => Promise<T>, budgetMs = JETSTREAM_FAILOVER_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pauseMs = 50; ; pauseMs = Math.min(2 * pauseMs, 250)) {
    try {
      return await write();
    } catch (error) {
      if (!isLeaderless(error) || Date.now() + pauseMs > deadline) throw error;
      await sleep(pauseMs);
    }
  }
}
