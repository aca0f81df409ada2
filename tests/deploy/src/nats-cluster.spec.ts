import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ARTIFACTS_DIR, freePort, ManagedProcess, tcpOpen, waitFor } from '@books/stack';
import { BOOK_EVENTS_STREAM, BOOK_EVENTS_WILDCARD, BookEventSubjects } from '@books/contracts';
import { type ComposeModel, resolvedModel } from './support/compose';
import { type LocalNatsCluster, type LocalNatsNode, startComposeNatsCluster } from './support/nats-cluster';

/**
 * docker-compose.yml's NATS cluster without Docker: its three nodes started as local
 * nats-server processes from their own commands, environments and deploy/nats/nats.conf, only
 * host names, ports and mount points rewritten (support/nats-cluster.ts). Debian's nats-server
 * (2.9) runs them; the image is 2.14, which reads the same options.
 */
const LOG_DIR = join(ARTIFACTS_DIR, 'logs', 'deploy-checks');
const NATS_PATH = `/usr/sbin:/usr/bin:/bin:${process.env['PATH'] ?? ''}`;
let dir: string;
let model: ComposeModel;
let cluster: LocalNatsCluster;
let nc: NatsConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-checks-nats-cluster-'));
  model = resolvedModel();
  cluster = await startComposeNatsCluster(model, dir, join(LOG_DIR, 'nats-cluster'));
  const books = model.services['books-service'].environment!;
  // As the books-service logs in (its user may manage the event stream), to every node's URL.
  nc = await connect({ servers: cluster.nodes.map((node) => node.url), user: books['NATS_USER']!, pass: books['NATS_PASSWORD']! });
}, 60_000);
afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Routez {
  num_routes: number;
  routes: { remote_name?: string }[];
}
const routez = async (monitor: string) => (await (await fetch(`${monitor}/routez`)).json()) as Routez;
const jsz = async (monitor: string) => (await (await fetch(`${monitor}/jsz`)).json()) as { meta_cluster?: { name: string; leader?: string; cluster_size: number } };
/** The messages of the event stream that a node itself stores, from its monitoring port (not what the leader believes). */
async function storedOn(node: LocalNatsNode): Promise<number | undefined> {
  const { account_details } = (await (await fetch(`${node.monitor}/jsz?accounts=true&streams=true`)).json()) as {
    account_details?: { stream_detail?: { name: string; state: { messages: number } }[] }[];
  };
  return account_details?.flatMap((account) => account.stream_detail ?? []).find((stream) => stream.name === BOOK_EVENTS_STREAM)?.state.messages;
}
const varz = async (monitor: string) => (await (await fetch(`${monitor}/varz`)).json()) as { server_name: string; cluster: { name: string } };

it('forms one cluster, books: every node routed to the two others, under its service name', async () => {
  for (const node of cluster.nodes) {
    await waitFor(`${node.service} to have routes to both others`, async () => (await routez(node.monitor)).num_routes === 2, { timeoutMs: 15_000 });
    expect(await varz(node.monitor)).toEqual(expect.objectContaining({ server_name: node.service, cluster: expect.objectContaining({ name: 'books' }) }));
  }
  // JetStream on all three, one meta group: they elect its leader among themselves. A node
  // that starts late joins a group the first two have already formed, so wait for all three.
  for (const node of cluster.nodes) {
    const meta = await waitFor(
      `${node.service} to see a JetStream meta group of all three, with a leader`,
      async () => {
        const { meta_cluster } = await jsz(node.monitor);
        return meta_cluster?.leader && meta_cluster.cluster_size === cluster.nodes.length ? meta_cluster : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(meta.name).toBe('books');
  }
}, 45_000);

it('keeps out a server without the cluster password', async () => {
  const [first] = cluster.nodes;
  const logSoFar = readFileSync(first.logFile, 'utf8').length;
  const port = await freePort();
  const intruder = new ManagedProcess({
    name: 'nats-intruder',
    command: 'nats-server',
    // The cluster's name and a route to nats-1, but no password.
    args: ['--port', String(port), '--cluster_name', 'books', '--cluster', `nats://127.0.0.1:${await freePort()}`, '--routes', `nats://127.0.0.1:${first.routePort}`],
    env: { PATH: NATS_PATH },
    logFile: join(LOG_DIR, 'nats-cluster', 'nats-intruder.log'),
    ready: () => tcpOpen(port),
  });
  await intruder.start();
  try {
    await waitFor(`${first.service} to refuse the route`, () => readFileSync(first.logFile, 'utf8').slice(logSoFar).includes('Authentication Failure'));
    expect((await routez(first.monitor)).num_routes).toBe(2);
  } finally {
    await intruder.stop();
  }
});

describe('the event stream', () => {
  const replicas = () => Number(model.services['books-service'].environment!['EVENTS_REPLICAS']);
  // A replica is current when it has every message; the leader is not listed among the replicas.
  const copies = (info: StreamInfo) => [info.cluster?.leader, ...(info.cluster?.replicas ?? []).filter((replica) => replica.current && !replica.offline).map((replica) => replica.name)];

  it('is created with EVENTS_REPLICAS copies, one on each node', async () => {
    expect(replicas()).toBe(3);
    const jsm = await jetstreamManager(nc);
    // As the books-service declares it.
    const info = await jsm.streams.add({ name: BOOK_EVENTS_STREAM, subjects: [BOOK_EVENTS_WILDCARD], num_replicas: replicas() });
    expect(info.config.num_replicas).toBe(3);
    await waitFor('every copy to be current', async () => copies(await jsm.streams.info(BOOK_EVENTS_STREAM)).length === 3, { timeoutMs: 15_000 });
    expect(copies(await jsm.streams.info(BOOK_EVENTS_STREAM)).sort()).toEqual(cluster.nodes.map((node) => node.service));
  }, 60_000);

  it('takes and keeps events with the leader\'s node killed, and copies them to it when it is back', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const subject = BookEventSubjects.created;
    expect((await js.publish(subject, 'first', { msgID: 'first' })).duplicate).toBe(false);
    const leader = (await jsm.streams.info(BOOK_EVENTS_STREAM)).cluster!.leader!;
    const lost = cluster.nodes.find((node) => node.service === leader)!;
    await lost.process.kill();
    // The two others elect a new leader; the client moves to a live node.
    const ack = await waitFor('a write after the leader died', () => js.publish(subject, 'second', { msgID: 'second', timeout: 2_000 }), { timeoutMs: 20_000, intervalMs: 250 });
    expect(ack.seq).toBe(2);
    const info = await jsm.streams.info(BOOK_EVENTS_STREAM);
    expect(info.cluster?.leader).not.toBe(leader);
    expect(info.state.messages).toBe(2);
    // Its volume kept, the node rejoins and catches up: three copies again.
    await lost.process.start();
    await waitFor(`${lost.service} to hold both events`, async () => (await storedOn(lost)) === 2, { timeoutMs: 40_000, intervalMs: 250 });
    await waitFor('three current copies', async () => copies(await jsm.streams.info(BOOK_EVENTS_STREAM)).length === 3, { timeoutMs: 20_000 });
  }, 60_000);

  it('copies the stream to a node that lost its volume', async () => {
    const jsm = await jetstreamManager(nc);
    const { cluster: before } = await jsm.streams.info(BOOK_EVENTS_STREAM);
    const lost = cluster.nodes.find((node) => node.service !== before?.leader)!;
    await lost.process.kill();
    rmSync(lost.volume, { recursive: true, force: true });
    mkdirSync(lost.volume);
    // An empty store under the same server name: the others send it the stream.
    await lost.process.start();
    await waitFor(`${lost.service} to hold both events again`, async () => (await storedOn(lost)) === 2, { timeoutMs: 40_000, intervalMs: 250 });
  }, 60_000);
});
