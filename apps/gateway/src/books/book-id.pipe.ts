import { Injectable, NotFoundException, type PipeTransform } from '@nestjs/common';
import { BookIdSchema } from '@books/contracts';

/** An id that cannot exist is answered here with 404, without asking the books-service. */
@Injectable()
export class BookIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!BookIdSchema.safeParse(id).success) throw new NotFoundException(`There is no book with id ${JSON.stringify(id.slice(0, 64))}`);
    return id.toLowerCase();
  }
}
