// mongo-1's health check in docker-compose.yml (mongosh --file): initiates the replica set rs0
// the first time, and then reports whether the set has a primary, that is, takes writes.
//
// Idempotent: once any member holds a configuration, rs.status() answers and nothing is
// initiated again. A member that lost its volume starts uninitiated; it cannot initiate a second
// set, because rs.initiate() needs every member to be uninitiated too, and it rejoins rs0 when
// the others reach it. Only mongo-1 runs this, so two members never initiate at once.
// Plain JavaScript that Node can parse as well (tests/deploy checks it with `node --check`).

/* global rs, db, quit */

const MEMBERS = ['mongo-1:27017', 'mongo-2:27017', 'mongo-3:27017'];

try {
  rs.status();
} catch (error) {
  if (error.codeName !== 'NotYetInitialized') throw error;
  // Fails, and the next check tries again, until all three members answer.
  rs.initiate({ _id: 'rs0', members: MEMBERS.map((host, index) => ({ _id: index, host })) });
}

// hello() names the primary once the set has elected one (any member, not only this one).
quit(db.hello().primary ? 0 : 1);
