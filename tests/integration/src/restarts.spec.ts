import { Topology, httpOk, waitFor } from '@books/stack';
import { apiClient } from './support/http';

/**
 * `npm start`'s topology restarts what dies (`restart` on), as Compose's restart policies do;
 * what a test stops or kills through the stack stays down.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({ name: 'restarts', replicas: 1, restart: { initialDelayMs: 200 } });
});
afterAll(() => topology?.stop());

/** `kill -9` from outside, as the OOM killer or an operator would: not through the stack. */
function killMinus9(pid: number | undefined): number {
  if (pid === undefined) throw new Error('not running');
  process.kill(pid, 'SIGKILL');
  return pid;
}

const serves = async () => (await api('/books', { method: 'POST', json: { title: 'After a crash', author: 'Restart Tester' } })).status === 201;

it('brings a replica killed with kill -9 back, serving, and says so in its log', async () => {
  const [replica] = topology.services;
  const killed = killMinus9(replica.process.pid);
  await waitFor('the replica to be restarted', () => replica.process.pid !== killed && httpOk(`${replica.url}/health/ready`));
  // It is the only replica, so the API answering a write means it serves.
  await waitFor('the API to serve writes again', serves);
  // The stack logs "ready" once its own readiness check passes, which may be a moment after ours.
  const restarted = /\[stack\] \S+ books-service-1 restarted \(pid \d+\) and ready/;
  await waitFor('the stack to log the restart', () => restarted.test(replica.process.tail(400)));
  expect(replica.process.tail(400)).toMatch(/\[stack\] \S+ books-service-1 exited \(SIGKILL\); restarting in 200 ms/);
});

it('brings FerretDB and the gateway back too', async () => {
  const mongo = topology.mongo!;
  killMinus9(mongo.process.pid);
  const gateway = killMinus9(topology.gateway.process.pid);
  await waitFor('the gateway to be restarted', () => topology.gateway.process.pid !== gateway && httpOk(`${topology.baseUrl}/health/ready`));
  await waitFor('the API to serve writes again', serves);
  expect(mongo.process.tail(50)).toMatch(/ferretdb exited \(SIGKILL\); restarting/);
  await waitFor('the stack to log the gateway restart', () => /gateway restarted \(pid \d+\) and ready/.test(topology.gateway.process.tail(400)));
});

it('leaves a server the stack was told to kill down, so tests can crash servers on purpose', async () => {
  const [replica] = topology.services;
  await replica.process.kill();
  // The restart decision is made as the exit is seen, before kill() resolves.
  expect(replica.process.running).toBe(false);
  expect(replica.process.tail(5)).not.toMatch(/restarting in/);
  await replica.process.start();
  await waitFor('the API to serve writes again', serves);
});
