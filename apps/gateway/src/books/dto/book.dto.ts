import { createZodDto } from 'nestjs-zod';
import { BookHistoryQuerySchema, BookInputSchema, BookPageSchema, BookPatchSchema, BookSchema, ListBooksQuerySchema } from '@books/contracts';

// DTO classes give Nest a type to validate against and Swagger a schema to document;
// the rules themselves stay in the contracts library.
export class BookDto extends createZodDto(BookSchema) {}
export class BookPageDto extends createZodDto(BookPageSchema) {}
export class BookInputDto extends createZodDto(BookInputSchema) {}
export class BookPatchDto extends createZodDto(BookPatchSchema) {}
export class ListBooksQueryDto extends createZodDto(ListBooksQuerySchema) {}
export class BookHistoryQueryDto extends createZodDto(BookHistoryQuerySchema) {}
