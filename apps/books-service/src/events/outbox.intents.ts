import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type KV, type KvEntry, KvWatchInclude, Kvm } from '@nats-io/kv';
import { Gauge } from 'prom-client';
import { OUTBOX_BUCKET } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';

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

const SYNC_TIMEOUT_MS = 2_000;

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
 * history; nothing in the database is written or scanned to know what is pending. Every
 * replica watches the bucket, so it can tell at any time whether a version is still unpublished.
 */
@Injectable()
export class OutboxIntents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxIntents.name);
  private bucket?: KV;
  private readonly entries = new Map<string, IntentEntry>();
  private watchedRevision = 0;
  private readonly revisionWaiters = new Set<{ revision: number; resolve: () => void }>();
  private watching?: Promise<void>;
  private stopWatch?: () => void;
  /** This replica's own intents, by change id; its key always holds exactly these. */
  private readonly own = new Map<string, Intent>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: BooksServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bucket = await retry('Opening the outbox bucket', () => new Kvm(this.nats.connection).create(OUTBOX_BUCKET, { history: 1 }), {
      logger: this.logger,
    });
    const watch = await this.bucket.watch({ include: KvWatchInclude.LastValue });
    this.stopWatch = () => watch.stop();
    this.watching = (async () => {
      for await (const entry of watch) this.observe(entry);
    })().catch((error: unknown) => this.logger.error(`Stopped watching the outbox: ${(error as Error).message}`));
    await this.sync();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writes.catch(() => undefined);
    this.stopWatch?.();
    await this.watching;
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
    for (const intent of intents) this.own.set(intent.id, intent);
    return this.write();
  }

  /** Removes finished (or never committed) changes from this replica's outbox. */
  remove(ids: Iterable<string>): Promise<void> {
    let changed = false;
    for (const id of ids) changed = this.own.delete(id) || changed;
    return changed ? this.write() : Promise.resolve();
  }

  /** Re-writes this replica's key: tells the others it is alive while it still has intents. */
  heartbeat(): Promise<void> {
    return this.own.size > 0 ? this.write() : Promise.resolve();
  }

  /** The other replicas' outboxes, as last seen by the watch. */
  others(): IntentEntry[] {
    return [...this.entries.values()].filter((entry) => entry.key !== this.ownKey && entry.intents.length > 0);
  }

  /**
   * Whether change `id` is listed in any replica's outbox, as of now: waits for the watch to
   * catch up with the bucket first, so an intent stored a moment ago is not missed.
   */
  async isPending(id: string): Promise<boolean> {
    if (this.own.has(id)) return true;
    await this.sync();
    return [...this.entries.values()].some((entry) => entry.intents.some((intent) => intent.id === id));
  }

  /** Removes a dead replica's key once its changes are finished, unless it wrote it again since. */
  async release(entry: IntentEntry): Promise<void> {
    await this.kv.delete(entry.key, { previousSeq: entry.revision });
  }

  private get kv(): KV {
    if (!this.bucket) throw new Error('The outbox bucket is not open yet');
    return this.bucket;
  }

  /** Writes go out one at a time, each with the whole current list, so the last one wins. */
  private write(): Promise<void> {
    const next = this.writes.then(
      () => this.put(),
      () => this.put(),
    );
    this.writes = next;
    unpublished.set(this.own.size);
    return next;
  }

  private async put(): Promise<void> {
    const intents = [...this.own.values()];
    await this.kv.put(this.ownKey, JSON.stringify(intents));
  }

  private observe(entry: KvEntry): void {
    this.watchedRevision = Math.max(this.watchedRevision, entry.revision);
    if (entry.operation === 'PUT') {
      const intents = parseIntents(entry);
      if (intents) this.entries.set(entry.key, { key: entry.key, revision: entry.revision, written: entry.created, intents });
      else this.logger.warn(`Skipped an unreadable outbox entry for ${entry.key} at revision ${entry.revision}`);
    } else {
      this.entries.delete(entry.key);
    }
    for (const waiter of this.revisionWaiters) {
      if (this.watchedRevision >= waiter.revision) {
        this.revisionWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves once the watch has seen everything stored in the bucket before the call. */
  private async sync(): Promise<void> {
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    if (this.watchedRevision >= last) return;
    let waiter!: { revision: number; resolve: () => void };
    const caughtUp = new Promise<void>((resolve) => this.revisionWaiters.add((waiter = { revision: last, resolve })));
    try {
      await Promise.race([caughtUp, sleep(SYNC_TIMEOUT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error('The outbox watch is behind')))]);
    } finally {
      this.revisionWaiters.delete(waiter);
    }
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
