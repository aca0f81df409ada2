import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadStartSettings } from '../settings';
import { Topology } from '../topology';
import { WORKSPACE_ROOT } from '../workspace';

/**
 * `npm start`: the production topology as local processes, in the foreground. Ctrl-C stops
 * every process it started, in order, and leaves none behind.
 *
 *   WEB_PORT      where the app is served (default 8080, on 127.0.0.1; WEB_HOST to change)
 *   NATS_NODES    NATS servers to start (default 1); 3 makes a JetStream cluster whose
 *                 event stream has 3 replicas, and every app is given every node
 *   NATS_URL      use this NATS server (or several, comma-separated) instead of starting one
 *   MONGODB_URL   use this MongoDB (or FerretDB) instead of starting FerretDB, as the
 *                 replicas' connection string (the database defaults to `books`)
 *   REPLICAS      books-service replicas (default 3)
 *   GATEWAY_PORT  port of the first of the two gateways behind Nginx (default 3000, where
 *                 `nx serve web` proxies /api; the second takes any free port)
 *   RESTART       restart servers that die, with backoff (default true)
 *   IDENTITY_PORT port of the identity provider (default 3100)
 *   TRACING_SAMPLE_RATIO  share of requests traced, 0 to 1 (default 0: off); above 0, Jaeger
 *                 starts too, its UI on JAEGER_PORT (default 16686)
 *
 * Sign-in is on: the identity provider starts first (its users, keys and cookie keys are
 * kept in .local/data/identity, so passwords survive restarts) and the gateways check its
 * tokens (AUTH=oidc). The web app's redirect URI is the site root on Nginx.
 *
 * They are checked (../settings.ts) before anything is built or started.
 */
async function main(): Promise<void> {
  const settings = loadStartSettings();
  console.log('Building the apps (nx run-many -t build)...');
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'gateway', 'books-service', 'web', 'identity', '--output-style=static'], {
    cwd: WORKSPACE_ROOT,
    stdio: 'inherit',
  });

  const topology = await Topology.start({
    name: 'local',
    replicas: settings.REPLICAS,
    natsUrl: settings.NATS_URL,
    natsNodes: settings.NATS_NODES,
    mongoUrl: settings.MONGODB_URL,
    gatewayPort: settings.GATEWAY_PORT,
    gateways: 2,
    webPort: settings.WEB_PORT,
    webHost: settings.WEB_HOST,
    webSettings: { SERVER_NAMES: settings.SERVER_NAMES },
    dataDir: join(WORKSPACE_ROOT, '.local', 'data'),
    echo: true,
    restart: settings.RESTART,
    identity: true,
    identityPort: settings.IDENTITY_PORT,
    ...(settings.TRACING_SAMPLE_RATIO > 0 && { tracing: { sampleRatio: settings.TRACING_SAMPLE_RATIO, queryPort: settings.JAEGER_PORT } }),
    // Both names a browser may use for this machine; the banner below says localhost.
    webRedirectUris: [...new Set([`http://localhost:${settings.WEB_PORT}/`, `http://${settings.WEB_HOST}:${settings.WEB_PORT}/`])],
  });

  if (!topology.web) throw new Error('Nginx did not start');
  const web = topology.web.url.replace('127.0.0.1', 'localhost');
  console.log(`\nThe catalogue is up: ${web}  (API ${web}/api/books, docs ${web}/api/docs)`);
  console.log(`NATS ${topology.natsUrl}, database ${topology.mongoUrl}, ${topology.services.length} books-service replicas,`);
  console.log(`gateways ${topology.gateways.map((gateway) => gateway.url).join(' and ')}. Follow the events with (a reader's password, new each run):`);
  console.log(`  ${Object.entries(topology.natsEnv('reader')).map(([name, value]) => `${name}=${value}`).join(' ')} npm run events`);
  if (topology.identity) {
    const { identity } = topology;
    console.log(`Sign-in: identity provider ${identity.issuer}. Sample users, for local use only (kept in ${join(WORKSPACE_ROOT, '.local', 'data', 'identity')}):`);
    for (const user of Object.values(identity.users)) {
      console.log(`  ${user.username.padEnd(7)} ${user.password}  roles: ${user.roles.join(', ') || '(none: reads only)'}`);
    }
    const cli = identity.clients['books-cli'];
    console.log(`  client ${cli.client_id} (client_credentials, roles ${cli.roles?.join(', ')}): secret ${cli.client_secret}`);
  }
  if (topology.jaeger) {
    // Built from the Go module, Jaeger has its API but not its web UI (a separate npm build
    // that only Jaeger's release image carries): its page there is a placeholder.
    const jaeger = topology.jaeger.queryUrl.replace('127.0.0.1', 'localhost');
    console.log(`Traces (${settings.TRACING_SAMPLE_RATIO * 100} % of requests): Jaeger ${jaeger}, e.g. ${jaeger}/api/traces/<trace id> (the trace id is in Nginx's access log);`);
    console.log(`  the web UI comes with Jaeger's release image (docker compose: http://localhost:16686).`);
  }
  console.log(`Logs in ${topology.logDir}. Press Ctrl-C to stop.\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    await topology.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
