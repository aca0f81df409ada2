import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { freePort, tcpOpen } from './ports';
import { httpOk } from './wait';
import { TOOLS_DIR, WORKSPACE_ROOT } from './workspace';

export interface JaegerServer {
  /** The UI, and its JSON API under /api (`/api/traces/<traceId>`). */
  queryUrl: string;
  /** Where apps send spans: OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP). */
  otlpEndpoint: string;
  process: ManagedProcess;
}

/** The configuration docker-compose.yml uses too; its addresses come from the environment. */
const CONFIG = join(WORKSPACE_ROOT, 'deploy', 'jaeger', 'config.yaml');

function jaegerBinary(): string {
  const path = process.env['JAEGER_BIN'] ?? join(TOOLS_DIR, 'bin', 'jaeger');
  if (!existsSync(path)) throw new Error(`Jaeger is not installed at ${path}: run scripts/setup.sh first`);
  return path;
}

/**
 * Jaeger (v2, all in one process) on free local ports, keeping traces in memory: the apps
 * send it spans over OTLP/HTTP, and its query service shows them.
 */
export async function startJaeger(logDir: string, { queryPort, name = 'jaeger' }: { queryPort?: number; name?: string } = {}): Promise<JaegerServer> {
  const [uiPort, queryGrpcPort, otlpPort] = await Promise.all([queryPort ?? freePort(), freePort(), freePort()]);
  const queryUrl = `http://127.0.0.1:${uiPort}`;
  const process = new ManagedProcess({
    name,
    command: jaegerBinary(),
    args: ['--config', CONFIG],
    env: {
      JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${uiPort}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpcPort}`,
      JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpPort}`,
      JAEGER_LOG_LEVEL: globalThis.process.env['JAEGER_LOG_LEVEL'] ?? 'warn',
    },
    logFile: join(logDir, `${name}.log`),
    // Ready once it takes spans and answers queries.
    ready: async () => (await tcpOpen(otlpPort)) && (await httpOk(`${queryUrl}/api/services`)),
  });
  await process.start();
  return { queryUrl, otlpEndpoint: `http://127.0.0.1:${otlpPort}`, process };
}
