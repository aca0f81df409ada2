import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type MsgHdrs, connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { BOOK_EVENTS_STREAM } from '@books/contracts';
import { Topology, waitFor } from '@books/stack';
import { type ApiResponse, apiClient } from './support/http';
import { SseClient } from './support/sse';

/**
 * OpenTelemetry traces across every hop: a browser-style `traceparent` sent to Nginx comes
 * back from Jaeger as one trace with the gateway's, the books-service's, the database's, the
 * publish's and the SSE relay's spans, and the event in the stream carries it.
 */

/** A span as Jaeger's query API returns it, with its service resolved. */
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  service: string;
}

/** What a browser sends: a new trace, not sampled (the gateway decides). */
function browserTraceparent(traceId = randomBytes(16).toString('hex')): { traceId: string; parentId: string; header: string } {
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-00` };
}

/** A trace id that a gateway tracing `ratio` of requests does not keep (the decision is the trace id's). */
function traceIdDroppedAt(ratio: number): string {
  const sampler = new TraceIdRatioBasedSampler(ratio);
  for (;;) {
    const traceId = randomBytes(16).toString('hex');
    if (sampler.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.NOT_RECORD) return traceId;
  }
}

/** Stops the apps, which send their last spans as they stop: then Jaeger has all it will ever get. */
async function stopApps(topology: Topology): Promise<void> {
  for (const app of [...topology.gateways, ...topology.services]) await app.process.stop();
}

async function servicesInJaeger(topology: Topology): Promise<string[]> {
  const services = (await (await fetch(`${topology.jaeger!.queryUrl}/api/services`)).json()) as { data: string[] | null };
  return services.data ?? [];
}

/** The spans Jaeger holds for a trace (none while it has not got them). */
async function traceSpans(queryUrl: string, traceId: string): Promise<JaegerSpan[]> {
  const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (response.status === 404) return [];
  const { data } = (await response.json()) as {
    data: { spans: (Omit<JaegerSpan, 'service'> & { processID: string })[]; processes: Record<string, { serviceName: string }> }[];
  };
  return (data ?? []).flatMap((trace) => trace.spans.map((span) => ({ ...span, service: trace.processes[span.processID].serviceName })));
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

/** The headers of the stream message at `seq`, read straight from JetStream. */
async function eventHeaders(topology: Topology, seq: number): Promise<MsgHdrs | undefined> {
  const nc = await connect(topology.natsOptions());
  try {
    const consumer = await jetstream(nc).consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq });
    const message = await consumer.next({ expires: 5_000 });
    expect(message?.info.streamSequence).toBe(seq);
    return message?.headers;
  } finally {
    await nc.close();
  }
}

/**
 * Creates a book (with `postTraceparent`, if given) and replaces it with one conditional PUT
 * sent with `traceparent`, through Nginx, while an SSE client follows the events. Returns the
 * PUT's response and the stream sequence of its event (as the SSE client got it).
 */
async function putWithTraceparent(topology: Topology, traceparent: string, postTraceparent?: string): Promise<{ put: ApiResponse; seq: number }> {
  const api = apiClient(() => `${topology.web!.url}/api`);
  const sse = new SseClient(`${topology.web!.url}/api/books/events`);
  try {
    expect((await sse.opened).status).toBe(200);
    const created = await api('/books', { method: 'POST', json: { title: 'Traced', author: 'Tracer' }, headers: postTraceparent ? { traceparent: postTraceparent } : {} });
    expect(created.status).toBe(201);
    const put = await api(`/books/${created.body.id}`, {
      method: 'PUT',
      headers: { 'if-match': created.headers.get('etag')!, traceparent },
      json: { title: 'Traced, replaced', author: 'Tracer', read: true },
    });
    const [, updated] = await sse.take(2);
    expect(JSON.parse(updated.data)).toMatchObject({ type: 'book.updated', bookId: created.body.id, version: 2 });
    return { put, seq: Number(updated.id) };
  } finally {
    sse.close();
  }
}

/** The PUT's answer, the same with tracing on or off: nothing about traces in it. */
function expectPlainAnswer(put: ApiResponse): void {
  expect(put.status).toBe(200);
  expect(put.headers.get('etag')).toBe('"2"');
  expect(put.body).toMatchObject({ title: 'Traced, replaced', author: 'Tracer', read: true, version: 2 });
  expect([...put.headers.keys()].filter((name) => name.startsWith('trace'))).toEqual([]);
}

// Spans go out in batches; a short delay keeps the test quick (the default is 5 s).
const FAST_EXPORT = { OTEL_BSP_SCHEDULE_DELAY: '100' };

describe('with tracing on (every request traced)', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await Topology.start({ name: 'tracing', replicas: 1, webPort: 0, tracing: { sampleRatio: 1 }, gatewayEnv: FAST_EXPORT, serviceEnv: FAST_EXPORT });
  });
  afterAll(() => topology?.stop());

  it('follows one PUT from Nginx to the SSE relay in one trace, and the event carries it', async () => {
    const browser = browserTraceparent();
    const { put, seq } = await putWithTraceparent(topology, browser.header);
    expectPlainAnswer(put);

    const kinds = (spans: JaegerSpan[]) => spans.map((span) => `${span.service} ${tag(span, 'span.kind')} ${span.operationName}`).sort();
    const expected = [
      'books-service client bulkWrite books',
      'books-service client insert book_changes',
      'books-service producer publish BOOKS_V1_EVENTS',
      'books-service server process books.v1.update',
      'gateway client request books.v1.update',
      'gateway consumer process BOOKS_V1_EVENTS',
      'gateway server PUT /api/books/:id',
    ];
    const spans = await waitFor(
      'the PUT trace in Jaeger, with every hop',
      async () => {
        const found = await traceSpans(topology.jaeger!.queryUrl, browser.traceId);
        return expected.every((hop) => kinds(found).includes(hop)) && found;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(kinds(spans)).toEqual(expected);
    expect(new Set(spans.map((span) => span.traceID))).toEqual(new Set([browser.traceId]));

    // Each hop is the child of the one before it; the first, of the browser's span.
    const byName = (name: string) => spans.find((span) => span.operationName === name)!;
    const parentOf = (name: string) => byName(name).references.find((ref) => ref.refType === 'CHILD_OF')?.spanID;
    expect(parentOf('PUT /api/books/:id')).toBe(browser.parentId);
    expect(parentOf('request books.v1.update')).toBe(byName('PUT /api/books/:id').spanID);
    expect(parentOf('process books.v1.update')).toBe(byName('request books.v1.update').spanID);
    for (const name of ['insert book_changes', 'bulkWrite books', 'publish BOOKS_V1_EVENTS']) expect(parentOf(name)).toBe(byName('process books.v1.update').spanID);
    expect(parentOf('process BOOKS_V1_EVENTS')).toBe(byName('publish BOOKS_V1_EVENTS').spanID);
    expect(tag(byName('PUT /api/books/:id'), 'http.response.status_code')).toBe(200);
    expect(tag(byName('insert book_changes'), 'db.system.name')).toBe('mongodb');
    expect(tag(byName('process BOOKS_V1_EVENTS'), 'books.sse.clients')).toBe(1);

    // Log lines of a traced request name the trace, in both apps.
    for (const app of [topology.gateway, ...topology.services]) {
      await waitFor(`the trace id in ${app.process.name}'s log`, () => readFileSync(app.process.spec.logFile, 'utf8').includes(`"traceId":"${browser.traceId}"`));
    }

    // The event in the stream carries the trace: its context is the publish span's.
    const traceparent = (await eventHeaders(topology, seq))?.get('traceparent');
    expect(traceparent).toBe(`00-${browser.traceId}-${byName('publish BOOKS_V1_EVENTS').spanID}-01`);
  });
});

describe('with tracing off (sample ratio 0)', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await Topology.start({ name: 'tracing-off', replicas: 1, webPort: 0, tracing: { sampleRatio: 0 }, gatewayEnv: FAST_EXPORT, serviceEnv: FAST_EXPORT });
  });
  afterAll(() => topology?.stop());

  it('sends Jaeger nothing, answers the same, and publishes events without trace context', async () => {
    const { put, seq } = await putWithTraceparent(topology, browserTraceparent().header);
    expectPlainAnswer(put);
    expect((await eventHeaders(topology, seq))?.has('traceparent')).toBe(false);

    await stopApps(topology);
    expect(await servicesInJaeger(topology)).toEqual([]);
  });
});

describe('a request the gateway does not keep', () => {
  let topology: Topology;
  beforeAll(async () => {
    // The books-service would trace everything on its own: only the gateway's decision stops it.
    topology = await Topology.start({
      name: 'tracing-dropped',
      replicas: 1,
      webPort: 0,
      tracing: { sampleRatio: 0.5 },
      gatewayEnv: FAST_EXPORT,
      serviceEnv: { ...FAST_EXPORT, TRACING_SAMPLE_RATIO: '1' },
    });
  });
  afterAll(() => topology?.stop());

  it('is traced nowhere: the books-service follows the decision, the event carries no trace', async () => {
    const [forPut, forPost] = [browserTraceparent(traceIdDroppedAt(0.5)), browserTraceparent(traceIdDroppedAt(0.5))];
    const { put, seq } = await putWithTraceparent(topology, forPut.header, forPost.header);
    expectPlainAnswer(put);
    expect((await eventHeaders(topology, seq))?.has('traceparent')).toBe(false);
    await stopApps(topology);
    expect(await traceSpans(topology.jaeger!.queryUrl, forPut.traceId)).toEqual([]);
    expect(await traceSpans(topology.jaeger!.queryUrl, forPost.traceId)).toEqual([]);
    // Nor in a trace of its own: it traces only what comes with no decision (the gateway's health checks).
    const operations = (await (await fetch(`${topology.jaeger!.queryUrl}/api/services/books-service/operations`)).json()) as { data: string[] | null };
    expect(operations.data?.length).toBeGreaterThan(0);
    expect(operations.data).not.toEqual(expect.arrayContaining(['process books.v1.update']));
    expect(operations.data).not.toEqual(expect.arrayContaining(['process books.v1.create']));
    expect(operations.data).not.toEqual(expect.arrayContaining(['publish BOOKS_V1_EVENTS']));
  });
});
