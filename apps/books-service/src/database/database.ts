import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Collection, type Db, type Document, MongoClient } from 'mongodb';
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
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.connect();
        await this.ping();
        this.logger.log(`Connected to database "${this.db.databaseName}"`);
        return;
      } catch (error) {
        const wait = Math.min(250 * attempt, 2_000);
        this.logger.warn(`Database not reachable (${(error as Error).message}); retrying in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
