import type { HttpRequest } from '../load/http-load';
import { type BenchContext, type ScenarioDefinition, httpOutcome, loadThroughNginx } from './scenario';

export const LIST_PATH = '/api/books?limit=8&sort=author';
export const SEARCH_PATH = '/api/books?limit=8&q=the';

/** GET /api/books/<id>, walking through `ids` from a different starting point on each connection. */
export function getRequest(ids: readonly string[], connection: number, connections: number): HttpRequest {
  let next = Math.floor((connection * ids.length) / Math.max(1, connections));
  return {
    method: 'GET',
    setupRequest: (request) => ({ ...request, method: 'GET', path: `/api/books/${ids[next++ % ids.length]}` }),
  };
}

function readScenario(name: 'list' | 'search', description: string, path: string): ScenarioDefinition {
  const requests = (): HttpRequest[] => [{ method: 'GET', path }];
  return {
    name,
    description,
    unit: 'requests',
    warmUp: async (ctx) => void (await loadThroughNginx(ctx, ctx.options.warmupS, requests)),
    measure: async (ctx) => httpOutcome(await loadThroughNginx(ctx, ctx.options.durationS, requests)),
  };
}

export const listScenario = readScenario('list', `GET ${LIST_PATH} (first page by author)`, LIST_PATH);

export const searchScenario = readScenario('search', `GET ${SEARCH_PATH} (case- and accent-insensitive search)`, SEARCH_PATH);

export const getScenario: ScenarioDefinition = {
  name: 'get',
  description: 'GET /api/books/<id>, ids spread over the whole catalogue',
  unit: 'requests',
  warmUp: async (ctx) => void (await loadThroughNginx(ctx, ctx.options.warmupS, (c) => [getRequest(ctx.sampleIds, c, ctx.options.connections)])),
  measure: async (ctx: BenchContext) =>
    httpOutcome(await loadThroughNginx(ctx, ctx.options.durationS, (c) => [getRequest(ctx.sampleIds, c, ctx.options.connections)])),
};
