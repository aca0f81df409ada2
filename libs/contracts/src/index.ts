export * from './books/book.schema';
export * from './books/list-books.schema';
export * from './books/books.messages';
export * from './errors/error-codes';
export * from './errors/field-errors';
export * from './rpc/headers';
export * from './rpc/reply';
export * from './subjects';
