import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Collection, type CommandFailedEvent, type CommandSucceededEvent, type Db, type Document, MongoClient } from 'mongodb';
import { Histogram } from 'prom-client';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';

const commandDuration = new Histogram({
  name: 'db_command_duration_seconds',
  help: 'Time of a database command, from sending it to its reply, by command and outcome',
  labelNames: ['command', 'outcome'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/**
 * The books-service's MongoDB connection; nothing else in the system talks to the database.
 * Start-up waits for the database rather than crashing, so replicas can start first.
 */
@Injectable()
export class Database implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Database.name);
  private readonly client: MongoClient;
  private readonly db: Db;

  constructor(config: BooksServiceConfig) {
    this.client = new MongoClient(config.MONGODB_URL, {
      appName: `books-service/${config.REPLICA_ID}`,
      serverSelectionTimeoutMS: config.DB_TIMEOUT_MS,
      connectTimeoutMS: config.DB_TIMEOUT_MS,
      socketTimeoutMS: config.DB_TIMEOUT_MS * 2,
      maxPoolSize: config.DB_POOL_SIZE,
      monitorCommands: true,
    });
    this.db = this.client.db(config.databaseName);
    const observe = (event: CommandSucceededEvent | CommandFailedEvent, outcome: string) => {
      commandDuration.observe({ command: event.commandName, outcome }, event.duration / 1000);
      if (event.duration >= config.DB_SLOW_MS) {
        this.logger.warn(`Slow database command: ${event.commandName} took ${Math.round(event.duration)} ms (${outcome})`);
      }
    };
    this.client.on('commandSucceeded', (event) => observe(event, 'ok'));
    this.client.on('commandFailed', (event) => observe(event, 'error'));
  }

  collection<T extends Document>(name: string): Collection<T> {
    return this.db.collection<T>(name);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async onModuleInit(): Promise<void> {
    await retry('Connecting to the database', () => this.client.connect().then(() => this.ping()), { logger: this.logger });
    this.logger.log(`Connected to database "${this.db.databaseName}"`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
