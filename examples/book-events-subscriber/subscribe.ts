/**
 * An example program that follows the book events, as any other program would.
 *
 *   npm run events                            # new events from now on
 *   npm run events -- --from 1                # everything the stream still holds
 *   npm run events -- --since 2026-11-01T00:00:00Z
 *   npm run events -- --durable reports       # a durable consumer: resumes where it left off
 *   npm run events -- --json                  # one JSON event per line
 *
 * NATS_URL (default nats://127.0.0.1:4222) says where NATS is, NATS_USER and NATS_PASSWORD
 * who connects (a NATS that requires users); `npm start` prints all three.
 *
 * Anyone allowed to publish on the event subjects can send something that is not an event:
 * such a message is skipped (acknowledged, so a durable consumer does not get it again),
 * counted, and reported on stderr with its stream sequence.
 */
import { parseArgs } from 'node:util';
import { AckPolicy, DeliverPolicy, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BOOK_EVENTS_STREAM, readBookEvent } from '@books/contracts';

const { values: options } = parseArgs({
  options: {
    from: { type: 'string' },
    since: { type: 'string' },
    durable: { type: 'string' },
    json: { type: 'boolean', default: false },
    nats: { type: 'string', default: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' },
  },
});

function startPosition(): { deliver_policy: DeliverPolicy; opt_start_seq?: number; opt_start_time?: string } {
  if (options.from) return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(options.from) };
  if (options.since) return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(options.since).toISOString() };
  return { deliver_policy: DeliverPolicy.New };
}

let skipped = 0;

function print(message: JsMsg): void {
  // Validate with the shared contract: a consumer should never trust a payload blindly.
  const reading = readBookEvent(message.string());
  if (!reading.ok) {
    skipped++;
    console.error(`Skipped #${message.info.streamSequence} on ${message.subject}: not a book event (${reading.reason}); ${skipped} skipped so far`);
    return;
  }
  const { event } = reading;
  if (options.json) {
    console.log(JSON.stringify({ seq: message.info.streamSequence, ...event }));
  } else {
    const title = event.book ? JSON.stringify(event.book.title) : '';
    console.log(`#${message.info.streamSequence} ${event.occurredAt} ${event.type} ${event.bookId} v${event.version} ${title}`.trimEnd());
  }
}

async function main(): Promise<void> {
  const nc = await connect({
    servers: options.nats.split(','),
    name: 'book-events-subscriber',
    user: process.env['NATS_USER'] || undefined,
    pass: process.env['NATS_PASSWORD'] || undefined,
  });
  const js = jetstream(nc);
  let consumer;
  if (options.durable) {
    // A durable consumer lives on the server: restarts resume after the last acknowledged event.
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(BOOK_EVENTS_STREAM, { durable_name: options.durable, ack_policy: AckPolicy.Explicit, ...startPosition() });
    consumer = await js.consumers.get(BOOK_EVENTS_STREAM, options.durable);
  } else {
    // An ordered consumer is ephemeral and in order: ideal for following along.
    consumer = await js.consumers.get(BOOK_EVENTS_STREAM, startPosition());
  }
  console.error(`Following ${BOOK_EVENTS_STREAM} on ${nc.getServer()} (Ctrl-C to stop)`);
  const messages = await consumer.consume();
  const stop = () => void messages.close().then(() => nc.drain());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for await (const message of messages) {
    print(message);
    message.ack();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
