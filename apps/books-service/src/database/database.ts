import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Collection, type Db, type Document, MongoClient } from 'mongodb';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';

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
      maxPoolSize: 20,
    });
    this.db = this.client.db(config.databaseName);
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
