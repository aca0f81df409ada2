import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import { Gauge } from 'prom-client';
import { OUTBOX_BUCKET } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';
import { acrossFailover } from './jetstream-failover';

/** A change the writer means to commit, or has committed and not yet finished. */
export interface Intent {
  /** The change record's id, `<bookId>:<version>`. */
  id: string;
  /** The change's event id: tells the writer's record from a record another writer made. */
  eventId: string;
}

/** One replica's outbox as the others see it. */
export interface IntentEntry {
  key: string;
  revision: number;
  /** When the replica last wrote it: a replica that stops writing while it has intents has died. */
  written: Date;
  intents: Intent[];
}

/** How long a removal may wait for the next add's write to carry it. */
const LAZY_REMOVAL_MS = 20;
/** How long an outbox write waits for its ack (about 1 ms when all is well)... */
const OUTBOX_ACK_TIMEOUT_MS = 750;
/** ...and how long it is tried again while acks are lost: under the 2 s a writer waits. */
const OUTBOX_WRITE_BUDGET_MS = 1_500;

const unpublished = new Gauge({
  name: 'book_events_unpublished',
  help: "This replica's committed changes whose event is not published yet (changes in its outbox)",
});

/**
 * The outbox, kept in a NATS key-value bucket: one key per replica, whose value lists the
 * changes that replica is committing or has committed and not yet published. A replica writes
 * its key before it commits a batch (so no commit is ever unlisted), and again once the batch's
 * events are out. What a replica holds for longer than OUTBOX_GRACE_MS, without writing its
 * key, belongs to a replica that died or is stuck: the relay in another replica finishes it.
 *
 * The cost is two small key-value writes per commit batch, whatever the size of the change
 * history; nothing in the database is written or scanned to know what is pending.
 */
@Injectable()
export class OutboxIntents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxIntents.name);
  private bucket?: KV;
  private manager?: JetStreamManager;
  /**
   * This replica's own intents, by event id; its key always holds exactly these. Not by change
   * id: a write built on a stale state can list the id of a change this replica committed but
   * has not published yet, and removing the loser must not remove the committed one.
   */
  private readonly own = new Map<string, Intent>();
  private writes: Promise<unknown> = Promise.resolve();
  /** The write waiting to go out once the one in flight is done; later callers share it. */
  private next?: Promise<void>;
  /** Changes to the list so far, and how many of them NATS has stored. */
  private version = 0;
  private stored = 0;
  private removalTimer?: NodeJS.Timeout;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: BooksServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // As many copies as the event stream: in a NATS cluster, losing the node that held the
    // only copy would stop every write (each lists its change here first).
    const options = { history: 1, replicas: this.config.EVENTS_REPLICAS };
    // A short ack timeout: an ack lost while this replica moves to another NATS node, or while
    // the bucket's leader hands over, is then retried within the write's budget, where the
    // default 5 s would hold every write of this replica past the gateway's deadline.
    const js = jetstream(this.nats.connection, { timeout: OUTBOX_ACK_TIMEOUT_MS });
    this.bucket = await retry('Opening the outbox bucket', () => new Kvm(js).create(OUTBOX_BUCKET, options), {
      logger: this.logger,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.removalTimer);
    if (this.stored !== this.version) await this.write().catch(() => undefined);
    await this.writes.catch(() => undefined);
  }

  /** This replica's key in the bucket (keys are NATS subject tokens). */
  get ownKey(): string {
    return this.config.REPLICA_ID.replace(/[^\w-]/g, '_');
  }

  get pendingCount(): number {
    return this.own.size;
  }

  ownIntents(): Intent[] {
    return [...this.own.values()];
  }

  /** Adds intents to this replica's outbox; resolves once NATS has stored them. */
  add(intents: Intent[]): Promise<void> {
    for (const intent of intents) this.own.set(intent.eventId, intent);
    return this.write();
  }

  /**
   * Removes finished (or never committed) changes, by event id, from this replica's outbox.
   * Nobody waits for that, so it is written lazily: under load the next add's write carries it,
   * one write a round.
   */
  remove(eventIds: Iterable<string>): Promise<void> {
    let changed = false;
    for (const eventId of eventIds) changed = this.own.delete(eventId) || changed;
    unpublished.set(this.own.size);
    if (!changed) return Promise.resolve();
    this.version++; // the stored list is out of date until a write carries the removal
    this.removalTimer ??= setTimeout(() => {
      this.removalTimer = undefined;
      if (this.stored !== this.version) void this.write().catch(() => undefined);
    }, LAZY_REMOVAL_MS);
    return Promise.resolve();
  }

  /** Re-writes this replica's key: tells the others it is alive while it still has intents. */
  heartbeat(): Promise<void> {
    return this.own.size > 0 ? this.write() : Promise.resolve();
  }

  /**
   * The other replicas' outboxes that list changes, read from the bucket now. A few NATS
   * round trips (one per replica key): the relay's periodic pass and writers' rare slow path.
   */
  async others(): Promise<IntentEntry[]> {
    // The keys from the stream's subjects, in one API request: kv.keys() would create a
    // consumer each time (and could wait forever across a NATS reconnect).
    const jsm = (this.manager ??= await jetstreamManager(this.nats.connection));
    const info = await jsm.streams.info(`KV_${OUTBOX_BUCKET}`, { subjects_filter: `$KV.${OUTBOX_BUCKET}.>` });
    const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(`$KV.${OUTBOX_BUCKET}.`.length));
    const entries: IntentEntry[] = [];
    for (const key of keys) {
      if (key === this.ownKey) continue;
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const intents = parseIntents(entry);
      if (!intents) this.logger.warn(`Skipped an unreadable outbox entry for ${key} at revision ${entry.revision}`);
      else if (intents.length > 0) entries.push({ key, revision: entry.revision, written: entry.created, intents });
    }
    return entries;
  }

  /** Whether change `id` is listed in any replica's outbox right now: committed (or being committed) and not yet published. */
  async isPending(id: string): Promise<boolean> {
    if (this.ownIntents().some((intent) => intent.id === id)) return true;
    return (await this.others()).some((entry) => entry.intents.some((intent) => intent.id === id));
  }

  /** Removes a dead replica's key once its changes are finished, unless it wrote it again since. */
  async release(entry: IntentEntry): Promise<void> {
    await this.nats.track(this.kv.delete(entry.key, { previousSeq: entry.revision }));
  }

  private get kv(): KV {
    if (!this.bucket) throw new Error('The outbox bucket is not open yet');
    return this.bucket;
  }

  /**
   * Stores the current list. Writes go out one at a time, each with the whole list, so the last
   * one wins; callers that come while one is in flight share the next one.
   */
  private write(): Promise<void> {
    this.version++;
    unpublished.set(this.own.size);
    if (!this.next) {
      const wanted = this.version;
      this.next = this.writes
        .catch(() => undefined)
        .then(() => {
          this.next = undefined;
          return this.put(wanted);
        });
      this.writes = this.next;
    }
    return this.next;
  }

  private async put(version: number): Promise<void> {
    // Everything added up to now is in this write, including adds made after it was queued.
    const covers = Math.max(version, this.version);
    // Idempotent (the whole list, last write wins), so safe to repeat across a stream leader change.
    // Tracked: a move to another NATS server (lame duck mode) waits for the ack, which it would lose.
    await acrossFailover(() => this.nats.track(this.kv.put(this.ownKey, JSON.stringify([...this.own.values()]))), OUTBOX_WRITE_BUDGET_MS);
    this.stored = Math.max(this.stored, covers);
  }
}

function parseIntents(entry: KvEntry): Intent[] | undefined {
  try {
    const value: unknown = entry.json();
    if (!Array.isArray(value)) return undefined;
    return value.filter((item): item is Intent => typeof item?.id === 'string' && typeof item?.eventId === 'string');
  } catch {
    return undefined;
  }
}
