import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { acrossFailover, isLeaderless } from './jetstream-failover';

/** What nats.js throws for a JetStream publish nobody takes: "jetstream is not enabled", the no-responders request error as its cause. */
const noResponders = () => new Error('jetstream is not enabled', { cause: new RequestError('no responders', { cause: new NoRespondersError('$KV.x.y') }) });

describe(isLeaderless.name, () => {
  it('is a timeout or no responders, directly or as the cause', () => {
    expect(isLeaderless(new TimeoutError())).toBe(true);
    expect(isLeaderless(new RequestError('', { cause: new NoRespondersError('s') }))).toBe(true);
    expect(isLeaderless(noResponders())).toBe(true);
    expect(isLeaderless(new Error('wrong last sequence'))).toBe(false);
  });
});

describe(acrossFailover.name, () => {
  it('tries again while the stream has no leader, and answers once it has one', async () => {
    const write = jest.fn().mockRejectedValueOnce(noResponders()).mockRejectedValueOnce(new TimeoutError()).mockResolvedValue({ seq: 7 });
    await expect(acrossFailover(write, 1_000)).resolves.toEqual({ seq: 7 });
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('gives up once the budget is spent, with the last error', async () => {
    const write = jest.fn().mockRejectedValue(noResponders());
    const started = Date.now();
    await expect(acrossFailover(write, 300)).rejects.toThrow('jetstream is not enabled');
    expect(Date.now() - started).toBeLessThan(600);
    expect(write.mock.calls.length).toBeGreaterThan(1);
  });

  it('does not repeat any other failure', async () => {
    const write = jest.fn().mockRejectedValue(new Error('permissions violation'));
    await expect(acrossFailover(write, 1_000)).rejects.toThrow('permissions violation');
    expect(write).toHaveBeenCalledTimes(1);
  });
});
