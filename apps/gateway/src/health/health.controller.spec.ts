import { ServiceUnavailableException } from '@nestjs/common';
import type { NatsConnectionManager, NatsRpcClient } from '@books/nats-rpc';
import { HealthController, READY_CACHE_MS } from './health.controller';

describe(HealthController.name, () => {
  let now: number;
  let request: jest.Mock;
  let sut: HealthController;
  const nats = { connected: true };

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    request = jest.fn().mockResolvedValue({ replica: 'books-service-7' });
    nats.connected = true;
    sut = new HealthController(nats as NatsConnectionManager, { request } as unknown as NatsRpcClient);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a flood of readiness probes with one check a second', async () => {
    await Promise.all(Array.from({ length: 50 }, () => sut.ready()));
    now += READY_CACHE_MS - 1;
    await sut.ready();
    expect(request).toHaveBeenCalledTimes(1);
    now += 1;
    await sut.ready();
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('does not name the replica that answered', async () => {
    expect(await sut.ready()).toEqual({ status: 'ok' });
  });

  it('keeps a failed check for the same second, then checks again', async () => {
    nats.connected = false;
    await expect(sut.ready()).rejects.toBeInstanceOf(ServiceUnavailableException);
    nats.connected = true;
    await expect(sut.ready()).rejects.toBeInstanceOf(ServiceUnavailableException);
    now += READY_CACHE_MS;
    await expect(sut.ready()).resolves.toEqual({ status: 'ok' });
  });
});
