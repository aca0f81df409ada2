import { mongoDatabaseName, withMongoDatabase } from './mongo-url';

const SEED_LIST = 'mongodb://app%40books:p%2Fss@db1:27017,db2,db3:27019/catalogue?replicaSet=rs0&authSource=admin&tls=true';

describe(mongoDatabaseName.name, () => {
  it('reads the database from a seed list with credentials and options', () => {
    expect(mongoDatabaseName(SEED_LIST)).toBe('catalogue');
  });

  it('falls back when the path names no database', () => {
    expect(mongoDatabaseName('mongodb://db1,db2/?replicaSet=rs0')).toBe('books');
    expect(mongoDatabaseName('mongodb+srv://u:p@cluster.example.com', 'other')).toBe('other');
  });
});

describe(withMongoDatabase.name, () => {
  it('sets the database and keeps hosts, credentials and options as they were', () => {
    expect(withMongoDatabase(SEED_LIST, 'books')).toBe(
      'mongodb://app%40books:p%2Fss@db1:27017,db2,db3:27019/books?replicaSet=rs0&authSource=admin&tls=true',
    );
    expect(withMongoDatabase('mongodb://127.0.0.1:27017', 'books')).toBe('mongodb://127.0.0.1:27017/books');
  });
});
