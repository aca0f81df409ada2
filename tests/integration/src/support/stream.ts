import { type ConnectionOptions, connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { BOOK_EVENTS_STREAM, type BookEvent } from '@books/contracts';

export interface StoredEvent {
  seq: number;
  msgId?: string;
  event: BookEvent;
}

/** Reads every event the stream holds right now, in order, straight from JetStream (`topology.natsOptions()`). */
export async function readAllEvents(nats: ConnectionOptions): Promise<StoredEvent[]> {
  const nc = await connect(nats);
  try {
    const { state } = await (await jetstreamManager(nc)).streams.info(BOOK_EVENTS_STREAM);
    if (state.messages === 0) return [];
    const consumer = await jetstream(nc).consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.All });
    const events: StoredEvent[] = [];
    const messages = await consumer.consume();
    for await (const message of messages) {
      events.push({ seq: message.info.streamSequence, msgId: message.headers?.get('Nats-Msg-Id'), event: message.json<BookEvent>() });
      if (message.info.streamSequence >= state.last_seq) break;
    }
    await messages.close();
    return events;
  } finally {
    await nc.close();
  }
}

export function eventsOf(events: StoredEvent[], bookId: string): StoredEvent[] {
  return events.filter((stored) => stored.event.bookId === bookId);
}
