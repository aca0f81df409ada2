import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { ConnectionString } from 'mongodb-connection-string-url';
import { resolvedModel } from './support/compose';

/**
 * deploy/mongo/replica-set.js, mongo-1's health check, which initiates the replica set. No
 * MongoDB runs here, so the script is checked by Node's parser (`node --check`) and then run
 * in a sandbox against a stand-in for the three mongosh helpers it uses (rs.status,
 * rs.initiate, db.hello, quit) that answers as MongoDB 8 does. What the stand-in cannot show:
 * that mongod accepts the configuration, and how long the first election takes.
 */
const model = resolvedModel();
const mount = model.services['mongo-1'].volumes!.find((volume) => volume.type === 'bind')!;
const scriptPath = model.services['mongo-1'].healthcheck!.test!.at(-1)!.replace(mount.target, mount.source!);
const script = readFileSync(scriptPath, 'utf8');

class NotYetInitialized extends Error {
  readonly codeName = 'NotYetInitialized';
}

/** Runs the script as mongosh would, against a member in the given state; returns what it did. */
function run(state: { initiated: boolean; primary?: string; statusError?: Error }) {
  const initiated: unknown[] = [];
  let exitCode: number | undefined;
  const rs = {
    status: () => {
      if (state.statusError) throw state.statusError;
      if (!state.initiated) throw new NotYetInitialized('no replset config has been received');
      return { ok: 1 };
    },
    initiate: (config: unknown) => initiated.push(config),
  };
  const db = { hello: () => ({ primary: state.primary }) };
  // quit() ends mongosh; here it records the exit code and stops the script.
  const quit = (code: number) => {
    exitCode = code;
    throw new Error('quit');
  };
  try {
    runInNewContext(script, { rs, db, quit });
  } catch (error) {
    if ((error as Error).message !== 'quit') throw error;
  }
  return { initiated, exitCode };
}

it('is JavaScript that parses (node --check)', () => {
  const result = spawnSync(process.execPath, ['--check', scriptPath], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

it('initiates the set the books-service names, with every member, the first time', () => {
  const url = new ConnectionString(model.services['books-service'].environment!['MONGODB_URL']!);
  const { initiated, exitCode } = run({ initiated: false });
  expect(initiated).toEqual([{ _id: url.searchParams.get('replicaSet'), members: url.hosts.map((host, index) => ({ _id: index, host })) }]);
  // Healthy only once a primary is elected, which takes a few more checks.
  expect(exitCode).toBe(1);
});

it('never initiates again, and is healthy while the set has a primary (on any member)', () => {
  expect(run({ initiated: true, primary: 'mongo-2:27017' })).toEqual({ initiated: [], exitCode: 0 });
  expect(run({ initiated: true })).toEqual({ initiated: [], exitCode: 1 });
});

it('initiates nothing when the status fails for another reason', () => {
  expect(() => run({ initiated: true, statusError: new Error('connection refused') })).toThrow('connection refused');
});
