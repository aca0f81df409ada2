import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BookInputSchema } from '@books/contracts';
import { BooksServiceConfig } from '../../config/books-service.config';
import { BooksRepository } from '../books.repository';
import { BooksService } from '../books.service';
import { uuidV5 } from '@books/server-kit';
import sampleBooks from './post-apocalyptic-books.json';

/** Namespace for the sample books' name-based (v5) UUIDs. */
const SEED_NAMESPACE = '6f1c7e52-3a51-4f0e-9d8e-3b1f8a2c4d10';

/**
 * Fills an empty catalogue with the sample books. Each one gets an id derived from its
 * title and author and is created through the normal write path, whose change records
 * let only one writer create a given id: replicas seeding at the same moment, or again
 * after a restart, add each book exactly once, and a deleted sample book stays deleted.
 */
@Injectable()
export class BooksSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(BooksSeeder.name);

  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly books: BooksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_BOOKS || !(await this.repository.isEmpty())) return;
    for (const sample of sampleBooks) {
      const book = BookInputSchema.parse(sample);
      await this.books.create({ id: uuidV5(`${book.title}\u0000${book.author}`, SEED_NAMESPACE), book }, { requestId: 'seed' });
    }
    this.logger.log(`Seeded the catalogue with ${sampleBooks.length} sample books`);
  }
}
