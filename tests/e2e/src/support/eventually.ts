import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads something from the page until the assertion passes, or fails with the last
 * assertion error when it never does: the UI updates asynchronously, so tests wait for a
 * state, never for a fixed time.
 *
 *   await eventually(titles, (t) => expect(t).toEqual(['Earth Abides', ...]));
 */
export async function eventually<T>(read: () => Promise<T> | T, assert: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      assert(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(50);
  }
}
