import { type HttpApp, Topology, startGateway, waitFor } from '@books/stack';
import { apiClient } from './support/http';
import { SseClient } from './support/sse';

/**
 * Resuming an event stream with Last-Event-ID is gap-free on any gateway, whatever its age:
 * after a gateway restart, on another gateway, and through Nginx, which balances over two
 * gateways and fails over when one is down.
 */
let topology: Topology;
const clients: SseClient[] = [];
const through = (gateway: () => HttpApp) => apiClient(() => `${gateway().url}/api`);
const viaNginx = apiClient(() => `${topology.web!.url}/api`);

function follow(baseUrl: string, lastEventId?: string): SseClient {
  const client = new SseClient(`${baseUrl}/books/events`, lastEventId ? { 'last-event-id': lastEventId } : {});
  clients.push(client);
  return client;
}

beforeAll(async () => {
  topology = await Topology.start({ name: 'resume', replicas: 1, gateways: 2, webPort: 0, gatewayEnv: { RATE_LIMIT_MAX: '0' } });
});
afterEach(() => clients.splice(0).forEach((client) => client.close()));
afterAll(() => topology?.stop());

const first = through(() => topology.gateways[0]);
const second = through(() => topology.gateways[1]);

async function rename(api: ReturnType<typeof apiClient>, id: string, title: string): Promise<void> {
  const response = await api(`/books/${id}`, { method: 'PATCH', json: { title } });
  expect(response.status).toBe(200);
}

const titles = (messages: { data: string }[]) => messages.map((message) => JSON.parse(message.data).book.title);

it('resumes on a gateway started after the events the client missed', async () => {
  const book = (await first('/books', { method: 'POST', json: { title: 'Seen', author: 'Resumer' } })).body;
  const client = follow(`${topology.gateways[0].url}/api`);
  await client.opened;
  await rename(first, book.id, 'seen');
  const [seen] = await client.take(1);
  client.close();
  await rename(first, book.id, 'missed 1');
  await rename(first, book.id, 'missed 2');

  const fresh = await startGateway({ name: 'gateway-fresh', natsUrl: topology.natsUrl, logDir: topology.logDir, env: topology.natsEnv('gateway') });
  try {
    const resumed = follow(`${fresh.url}/api`, seen.id);
    const missed = await resumed.take(2);
    expect(titles(missed)).toEqual(['missed 1', 'missed 2']);
    expect(missed.map((message) => Number(message.id))).toEqual([Number(seen.id) + 1, Number(seen.id) + 2]);
    await rename(first, book.id, 'live');
    const [live] = await resumed.take(1);
    expect(titles([live])).toEqual(['live']);
    expect(resumed.pending).toBe(0);
  } finally {
    await fresh.process.stop();
  }
});

it('resumes on a restarted gateway, with what another gateway committed while it was down', async () => {
  const book = (await first('/books', { method: 'POST', json: { title: 'Restart', author: 'Resumer' } })).body;
  const client = follow(`${topology.gateways[0].url}/api`);
  await client.opened;
  await rename(first, book.id, 'before');
  const [seen] = await client.take(1);

  await topology.gateways[0].process.stop();
  await rename(second, book.id, 'while down');
  await topology.gateways[0].process.start();

  const resumed = follow(`${topology.gateways[0].url}/api`, seen.id);
  const [missed] = await resumed.take(1);
  expect(titles([missed])).toEqual(['while down']);
  expect(Number(missed.id)).toBe(Number(seen.id) + 1);
});

it('resumes on the second gateway a stream seen on the first, whichever is ahead', async () => {
  const book = (await first('/books', { method: 'POST', json: { title: 'Across', author: 'Resumer' } })).body;
  const onFirst = follow(`${topology.gateways[0].url}/api`);
  await onFirst.opened;
  await rename(first, book.id, 'one');
  await rename(first, book.id, 'two');
  const seen = await onFirst.take(2);
  const onSecond = follow(`${topology.gateways[1].url}/api`, seen[0].id);
  expect(titles(await onSecond.take(1))).toEqual(['two']);
  await rename(second, book.id, 'three');
  expect(titles(await onSecond.take(1))).toEqual(['three']);
  expect(titles(await onFirst.take(1))).toEqual(['three']);
});

it('through Nginx: keeps answering while one gateway is down, and resumes the stream on the other', async () => {
  const book = (await viaNginx('/books', { method: 'POST', json: { title: 'Front door', author: 'Resumer' } })).body;
  const client = follow(`${topology.web!.url}/api`);
  await client.opened;
  await rename(viaNginx, book.id, 'before');
  const [seen] = await client.take(1);

  for (const down of [0, 1]) {
    await topology.gateways[down].process.stop();
    try {
      for (let i = 0; i < 4; i++) {
        expect((await viaNginx(`/books/${book.id}`)).status).toBe(200);
        await rename(viaNginx, book.id, `gateway ${down + 1} down, ${i}`);
      }
      const resumed = follow(`${topology.web!.url}/api`, seen.id);
      const missed = await resumed.take(4 * (down + 1));
      expect(titles(missed).slice(-4)).toEqual([0, 1, 2, 3].map((i) => `gateway ${down + 1} down, ${i}`));
      expect(missed.map((message) => Number(message.id))).toEqual(Array.from({ length: missed.length }, (_, i) => Number(seen.id) + 1 + i));
    } finally {
      await topology.gateways[down].process.start();
    }
    await waitFor(`Nginx to send requests to gateway ${down + 1} again`, () => nginxReaches(down, book.id));
  }
});

/** True once a request through Nginx reached that gateway (Nginx leaves a failed one alone for a while). */
async function nginxReaches(index: number, bookId: string): Promise<boolean> {
  const served = async () => {
    const metrics = await (await fetch(`${topology.gateways[index].url}/metrics`)).text();
    const counts = [...metrics.matchAll(/^http_request_duration_seconds_count\{method="GET",route="\/api\/books\/:id"[^}]*\} (\d+)/gm)];
    return counts.reduce((sum, match) => sum + Number(match[1]), 0);
  };
  const before = await served();
  for (let i = 0; i < 2; i++) await viaNginx(`/books/${bookId}`);
  return (await served()) > before;
}
