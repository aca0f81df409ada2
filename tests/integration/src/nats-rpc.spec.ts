import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, type INestMicroservice } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { ErrorCode } from '@books/contracts';
import { ARTIFACTS_DIR, type NatsServer, startNats, startNatsCluster, waitFor } from '@books/stack';
import {
  NatsConnectionManager,
  NatsModule,
  NatsRpcClient,
  NatsRpcContext,
  NatsRpcServer,
  RpcDisconnectedError,
  RpcNoRespondersError,
  RpcReplyError,
  RpcTimeoutError,
} from '@books/nats-rpc';

/** The transport against a real nats-server: what a handler sees and what a caller gets. */
@Controller()
class TestController {
  static replica = '';
  static echoes = 0;
  private static releaseSlow?: () => void;
  private static slowStarted = Promise.withResolvers<void>();

  @MessagePattern('test.echo')
  echo(@Payload() payload: unknown, @Ctx() context: NatsRpcContext) {
    TestController.echoes++;
    return { payload, requestId: context.getRequestId(), replica: TestController.replica };
  }

  @MessagePattern('test.delayed')
  async delayed(@Payload() ms: number): Promise<string> {
    await sleep(ms);
    return 'done';
  }

  @MessagePattern('test.refuse')
  refuse(): never {
    throw new RpcException({ code: ErrorCode.NotFound, message: 'No such thing' });
  }

  @MessagePattern('test.crash')
  crash(): never {
    throw new Error('secret internals');
  }

  @MessagePattern('test.slow')
  slow(): Promise<string> {
    TestController.slowStarted.resolve();
    return new Promise((resolve) => (TestController.releaseSlow = () => resolve('finished')));
  }

  static async handlingSlow(): Promise<void> {
    await TestController.slowStarted.promise;
    TestController.slowStarted = Promise.withResolvers<void>();
  }

  static release(): void {
    TestController.releaseSlow?.();
  }
}

let nats: NatsServer;
let dir: string;
const apps: INestMicroservice[] = [];

async function startReplica(name: string, servers = nats.url): Promise<INestMicroservice> {
  const moduleRef = await Test.createTestingModule({
    imports: [NatsModule.forRoot({ servers, name })],
    controllers: [TestController],
  }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: new NatsRpcServer(() => moduleRef.get(NatsConnectionManager), { queue: 'test' }),
    logger: false,
  });
  TestController.replica = name;
  await app.listen();
  apps.push(app);
  return app;
}

let client: NatsRpcClient;
let clientApp: { close(): Promise<void> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nats-rpc-'));
  nats = await startNats(dir, join(ARTIFACTS_DIR, 'logs', 'nats-rpc'));
  const moduleRef = await Test.createTestingModule({ imports: [NatsModule.forRoot({ servers: nats.url, name: 'client' })] }).compile();
  clientApp = await moduleRef.init();
  client = moduleRef.get(NatsRpcClient);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await clientApp?.close();
  await nats?.process.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('with a replica answering', () => {
  beforeAll(() => startReplica('replica-a'));

  it('returns the handler result and passes the request id header', async () => {
    const reply = await client.request('test.echo', { hello: 'world' }, { timeoutMs: 2_000, requestId: 'req-1' });
    expect(reply).toEqual({ payload: { hello: 'world' }, requestId: 'req-1', replica: 'replica-a' });
  });

  it('hands over the error code a handler chose', async () => {
    const error = await client.request('test.refuse', {}, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcReplyError);
    expect((error as RpcReplyError).reply).toEqual({ code: ErrorCode.NotFound, message: 'No such thing' });
  });

  it('turns an unexpected exception into INTERNAL without its message', async () => {
    const error = (await client.request('test.crash', {}, { timeoutMs: 2_000 }).catch((e: unknown) => e)) as RpcReplyError;
    expect(error.reply.code).toBe(ErrorCode.Internal);
    expect(error.reply.message).not.toContain('secret');
  });

  it('fails fast with no responders on a subject nobody serves', async () => {
    const start = Date.now();
    await expect(client.request('test.nobody', {}, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(RpcNoRespondersError);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('times out when the handler takes longer than the deadline', async () => {
    await expect(client.request('test.slow', {}, { timeoutMs: 200 })).rejects.toBeInstanceOf(RpcTimeoutError);
    await TestController.handlingSlow();
    TestController.release();
  });
});

describe('with two replicas in one queue group', () => {
  it('has each request handled once, not once per replica', async () => {
    await startReplica('replica-b');
    TestController.echoes = 0;
    await Promise.all(Array.from({ length: 40 }, () => client.request('test.echo', {}, { timeoutMs: 2_000 })));
    expect(TestController.echoes).toBe(40);
  });
});

describe('in a cluster', () => {
  let nodes: NatsServer[];
  let clusterDir: string;
  let clusters = 0;
  /** What a test started on the cluster: closed after it, before the cluster stops. */
  const opened: { close(): Promise<void> }[] = [];

  beforeEach(async () => {
    clusterDir = mkdtempSync(join(tmpdir(), 'nats-rpc-cluster-'));
    nodes = await startNatsCluster(clusterDir, join(ARTIFACTS_DIR, 'logs', `nats-rpc-cluster-${++clusters}`), 3);
  });

  afterEach(async () => {
    for (const app of opened.splice(0).reverse()) await app.close();
    await Promise.all(nodes.map((node) => node.process.stop()));
    rmSync(clusterDir, { recursive: true, force: true });
  });

  async function callerOn(node: NatsServer): Promise<{ caller: NatsRpcClient; manager: NatsConnectionManager }> {
    const moduleRef = await Test.createTestingModule({ imports: [NatsModule.forRoot({ servers: node.url, name: 'caller' })] }).compile();
    opened.push(await moduleRef.init());
    return { caller: moduleRef.get(NatsRpcClient), manager: moduleRef.get(NatsConnectionManager) };
  }

  async function replicaOn(node: NatsServer, name: string): Promise<void> {
    const replica = await startReplica(name, node.url);
    apps.splice(apps.indexOf(replica), 1);
    opened.push(replica);
  }

  /** Fifty callers ask without a pause, each request taking `handleMs` to answer, while `leaving` goes away in lame duck mode. */
  async function callWhileLeaving(caller: NatsRpcClient, handleMs: number, leaving: NatsServer): Promise<{ failures: string[]; answered: number }> {
    let going = true;
    const failures: string[] = [];
    let answered = 0;
    const load = Promise.all(
      Array.from({ length: 50 }, async () => {
        while (going) {
          await caller.request('test.delayed', handleMs, { timeoutMs: 3_000 }).then(
            () => answered++,
            (error: Error) => failures.push(error.constructor.name),
          );
        }
      }),
    );
    await sleep(300);
    await leaving.process.stop(15_000, 'SIGUSR2');
    await sleep(300);
    going = false;
    await load;
    return { failures, answered };
  }

  it('loses no reply while a node goes away in lame duck mode and its clients move', async () => {
    const [leaving, ...staying] = nodes;
    // The caller on the node that goes, a replica on each other node: half the replies come
    // from the node the caller is not moving to, and cross the cluster while it moves. (A
    // replica on the caller's node would take every request: queue groups prefer the local
    // one.) Each client learns the other nodes from the first.
    const { caller, manager } = await callerOn(leaving);
    for (const [i, node] of staying.entries()) await replicaOn(node, `replica-${i + 2}`);
    const { failures, answered } = await callWhileLeaving(caller, 20, leaving);
    const movedTo = manager.connection.getServer();
    expect({ failures, moved: staying.some((node) => movedTo === `127.0.0.1:${node.port}`) }).toEqual({ failures: [], moved: true });
    expect(answered).toBeGreaterThan(100);
  }, 60_000);

  it('loses no request while a replica on a node that goes away in lame duck mode moves', async () => {
    const [leaving, callerNode, otherNode] = nodes;
    // The caller on a node with no replica, so requests are shared between the replica on
    // the node that goes and the one on the third node: requests are on their way to the
    // leaving replica at every moment it moves.
    const { caller } = await callerOn(callerNode);
    await replicaOn(leaving, 'replica-leaving');
    await replicaOn(otherNode, 'replica-staying');
    const { failures, answered } = await callWhileLeaving(caller, 5, leaving);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(100);
  }, 60_000);
});

describe('shutdown', () => {
  it('stops taking requests at once but answers the ones in flight before it closes', async () => {
    for (const app of apps.splice(0)) await app.close();
    const app = await startReplica('replica-draining');
    apps.splice(apps.indexOf(app), 1);
    const pending = client.request('test.slow', {}, { timeoutMs: 5_000 });
    await Promise.race([TestController.handlingSlow(), pending]); // a failed request fails the test here, not by timeout
    const closing = app.close();
    await waitFor('the closing replica to stop taking requests', async () =>
      (await client.request('test.echo', {}, { timeoutMs: 1_000 }).catch((error: unknown) => error)) instanceof RpcNoRespondersError,
    );
    TestController.release();
    await expect(pending).resolves.toBe('finished');
    await closing;
  });

  it('refuses at once while the client has no connection', async () => {
    await nats.process.stop();
    const manager = (client as unknown as { nats: NatsConnectionManager }).nats;
    await waitFor('the client to notice', () => !manager.connected);
    await expect(client.request('test.echo', {}, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(RpcDisconnectedError);
  });
});
