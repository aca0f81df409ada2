import { ConfigError } from '@books/server-kit';
import { BooksServiceConfig } from './books-service.config';

describe(BooksServiceConfig.name, () => {
  it('keeps a seed list with credentials and options as the driver needs it, and reads its database', () => {
    const url = 'mongodb://books:s%40cret@db1:27017,db2:27017,db3:27017/catalogue?replicaSet=rs0&authSource=admin&tls=true';
    const config = new BooksServiceConfig({ MONGODB_URL: url });
    expect(config.MONGODB_URL).toBe(url);
    expect(config.databaseName).toBe('catalogue');
  });

  it('uses the books database when the connection string names none', () => {
    expect(new BooksServiceConfig({ MONGODB_URL: 'mongodb+srv://books:secret@cluster0.example.net/?retryWrites=true' }).databaseName).toBe('books');
    expect(new BooksServiceConfig({}).databaseName).toBe('books');
  });

  it.each([
    ['MONGODB_URL', 'db1:27017/books'],
    ['HTTP_PORT', ''],
    ['DB_POOL_SIZE', 'four'],
    ['SEED_BOOKS', ''],
    ['REPLICA_ID', ''],
  ])('stops on %s=%j, naming it', (name, value) => {
    expect(() => new BooksServiceConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => new BooksServiceConfig({ [name]: value })).toThrow(new RegExp(`\\n {2}${name}: `));
  });
});
