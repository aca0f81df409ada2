import type { NatsConnectionManager } from '@books/nats-rpc';
import type { BooksServiceConfig } from '../config/books-service.config';
import { OutboxIntents } from './outbox.intents';

/** A key-value bucket that records what each key was last set to. */
class FakeBucket {
  values = new Map<string, string>();
  puts = 0;
  async put(key: string, value: string) {
    this.puts++;
    this.values.set(key, value);
    return this.puts;
  }
}

function setup() {
  const nats = { track: <T>(request: Promise<T>) => request } as NatsConnectionManager;
  const sut = new OutboxIntents(nats, { REPLICA_ID: 'replica-1' } as BooksServiceConfig);
  const bucket = new FakeBucket();
  Object.assign(sut, { bucket });
  const stored = () => JSON.parse(bucket.values.get('replica-1') ?? '[]').map((intent: { id: string }) => intent.id);
  return { sut, bucket, stored };
}

describe('OutboxIntents', () => {
  it('stores an add before it resolves', async () => {
    const { sut, stored } = setup();
    await sut.add([{ id: 'b:2', eventId: 'e2' }]);
    expect(stored()).toEqual(['b:2']);
  });

  it('writes a removal by itself when no add comes to carry it', async () => {
    const { sut, stored } = setup();
    await sut.add([{ id: 'b:2', eventId: 'e2' }]);
    await sut.remove(['e2']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stored()).toEqual([]);
  });

  it('lets the next add carry a removal: one write for both', async () => {
    const { sut, bucket, stored } = setup();
    await sut.add([{ id: 'b:2', eventId: 'e2' }]);
    const before = bucket.puts;
    await sut.remove(['e2']);
    await sut.add([{ id: 'c:5', eventId: 'e5' }]);
    expect(stored()).toEqual(['c:5']);
    expect(bucket.puts - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bucket.puts - before).toBe(1);
  });

  it('keeps a committed change listed when a later write that took its version is removed', async () => {
    const { sut, stored } = setup();
    await sut.add([{ id: 'b:2', eventId: 'committed' }]);
    await sut.add([{ id: 'b:2', eventId: 'built-on-a-stale-state' }]);
    await sut.remove(['built-on-a-stale-state']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stored()).toEqual(['b:2']);
    expect(sut.ownIntents()).toEqual([{ id: 'b:2', eventId: 'committed' }]);
  });

  it('shares one write among the adds that come while another is in flight', async () => {
    const { sut, bucket, stored } = setup();
    await Promise.all([sut.add([{ id: 'a:1', eventId: 'a' }]), sut.add([{ id: 'b:1', eventId: 'b' }]), sut.add([{ id: 'c:1', eventId: 'c' }])]);
    expect(stored()).toEqual(['a:1', 'b:1', 'c:1']);
    expect(bucket.puts).toBeLessThanOrEqual(2);
  });
});
