import { mkdtempSync, rmSync } from 'node:fs';
import { mongoDatabaseName, withMongoDatabase } from '@books/server-kit';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HttpApp, startBooksService, startGateway } from './apps';
import { type MongoServer, startFerretDb } from './ferretdb';
import { IDENTITY_AUDIENCE, type IdentityServer, startIdentity } from './identity';
import { type JaegerServer, startJaeger } from './jaeger';
import { type NatsRole, type NatsServer, startNats, startNatsCluster } from './nats';
import { type NginxOptions, type WebServer, startNginx } from './nginx';
import { freePort } from './ports';
import { type ManagedProcess, type RestartPolicy } from './process';
import { ARTIFACTS_DIR } from './workspace';
import { httpOk, waitFor } from './wait';

export interface TopologyOptions {
  /** Names the log folder: artifacts/logs/<name>. */
  name: string;
  /** books-service replicas to start (default 2). */
  replicas?: number;
  /** Use this NATS instead of starting one. */
  natsUrl?: string;
  /**
   * NATS servers to start (default 1). More make one JetStream cluster (nats-1, nats-2, ...),
   * every client is given every node, and the event stream gets one replica per node.
   */
  natsNodes?: number;
  /**
   * Use this MongoDB instead of starting FerretDB: a connection string passed to the replicas
   * as it is (seed list, credentials, options), with `databaseName` set in it when given.
   */
  mongoUrl?: string;
  /** Database of the catalogue; default: the one `mongoUrl` names, else `books`. */
  databaseName?: string;
  serviceEnv?: Record<string, string | undefined>;
  gatewayEnv?: Record<string, string | undefined>;
  gatewayPort?: number;
  /** Gateways to start (default 1); Nginx balances over all of them. */
  gateways?: number;
  /** Copy app output to this process's stdout. */
  echo?: boolean;
  /** Keep server data here, across runs; by default a temporary folder deleted on stop. */
  dataDir?: string;
  /** Also start Nginx serving the web build in front of the gateway, on this port (0: any free one). */
  webPort?: number;
  /** Address Nginx listens on (default 127.0.0.1). */
  webHost?: string;
  /** Nginx template settings, e.g. `{ SERVER_NAMES: 'books.example' }`. */
  webSettings?: NginxOptions['settings'];
  /**
   * Restart any server that dies by itself, with backoff (`npm start` turns this on). Off by
   * default: tests crash servers on purpose and restart them when they choose.
   */
  restart?: boolean | RestartPolicy;
  /**
   * Start the identity provider (apps/identity) first, with generated keys, users and clients
   * (in `<dataDir>/identity`), and run the gateways with AUTH=oidc against it. Off: the
   * gateways run with AUTH=off.
   */
  identity?: boolean;
  /** The IdP's port (default: any free one). */
  identityPort?: number;
  /** The web app's redirect URIs for the IdP's `books-web` client (default: the Nginx origin's `/` when `webPort` is fixed, else http://127.0.0.1:4200/). */
  webRedirectUris?: string[];
  /**
   * Start Jaeger and send it the apps' traces: every gateway and replica gets
   * TRACING_SAMPLE_RATIO and OTEL_EXPORTER_OTLP_ENDPOINT. Off: the apps trace nothing.
   */
  tracing?: { sampleRatio: number; /** Jaeger's UI port (default: any free one). */ queryPort?: number };
}

/**
 * The whole back end as local processes: NATS, FerretDB, N books-service replicas and the
 * gateway, each started after what it needs is ready. Tests, `npm start` and the
 * benchmarks all use it, so they run the same wiring.
 */
export class Topology {
  readonly services: HttpApp[] = [];
  /** Every gateway: `gateway`, `gateway-2`, ... */
  readonly gateways: HttpApp[] = [];
  /** The first NATS server (the only one unless `natsNodes` is more than 1). */
  nats?: NatsServer;
  /** Every NATS server the topology started: nats-1, nats-2, ... in a cluster. */
  natsNodes: NatsServer[] = [];
  mongo?: MongoServer;
  web?: WebServer;
  /** The identity provider, when started with `identity: true`. */
  identity?: IdentityServer;
  /** Jaeger, when started with `tracing`: its `queryUrl` is the UI and the trace API. */
  jaeger?: JaegerServer;
  natsUrl!: string;
  mongoUrl!: string;
  readonly logDir: string;
  private readonly dataDir: string;

  constructor(private readonly options: TopologyOptions) {
    this.logDir = join(ARTIFACTS_DIR, 'logs', options.name);
    rmSync(this.logDir, { recursive: true, force: true });
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `books-${options.name.replace(/\W+/g, '-')}-`));
  }

  static async start(options: TopologyOptions): Promise<Topology> {
    const topology = new Topology(options);
    try {
      await topology.startAll();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  /**
   * How a program connects to this topology's NATS as `role` (`reader` by default: it may
   * read the event stream and send requests). The NATS it starts lets no one in without a
   * user; one given in `natsUrl` is used as it is.
   */
  natsOptions(role: NatsRole = 'reader'): { servers: string[]; user?: string; pass?: string } {
    const credentials = this.nats?.users?.[role];
    // nats.js takes several servers as an array; NATS_URL lists them comma-separated.
    return { servers: this.natsUrl.split(','), ...(credentials && { user: credentials.user, pass: credentials.pass }) };
  }

  /** The same as environment variables for a process: NATS_URL (every server, comma-separated), NATS_USER and NATS_PASSWORD. */
  natsEnv(role: NatsRole = 'reader'): Record<string, string> {
    const { servers, user, pass } = this.natsOptions(role);
    return { NATS_URL: servers.join(','), ...(user && pass && { NATS_USER: user, NATS_PASSWORD: pass }) };
  }

  /** How a gateway checks tokens: against the IdP when there is one, else not at all (AUTH=off, apps.ts). */
  identityEnv(): Record<string, string> {
    if (!this.identity) return {};
    return { AUTH: 'oidc', OIDC_ISSUER: this.identity.issuer, OIDC_AUDIENCE: IDENTITY_AUDIENCE };
  }

  /** Where the apps send their traces, and how many: nothing without `tracing`. */
  tracingEnv(): Record<string, string> {
    if (!this.options.tracing || !this.jaeger) return {};
    return { TRACING_SAMPLE_RATIO: String(this.options.tracing.sampleRatio), OTEL_EXPORTER_OTLP_ENDPOINT: this.jaeger.otlpEndpoint };
  }

  /** The first gateway (the one on `gatewayPort`). */
  get gateway(): HttpApp {
    return this.gateways[0];
  }

  get baseUrl(): string {
    return `${this.gateway.url}/api`;
  }

  private async startAll(): Promise<void> {
    const [natsNodes, mongo, jaeger] = await Promise.all([
      this.options.natsUrl ? [] : this.startNats(),
      this.options.mongoUrl ? undefined : startFerretDb(join(this.dataDir, 'ferretdb'), this.logDir),
      this.options.tracing ? startJaeger(this.logDir, { queryPort: this.options.tracing.queryPort }) : undefined,
    ]);
    this.natsNodes.push(...natsNodes);
    this.nats = natsNodes[0];
    this.mongo = mongo;
    this.jaeger = jaeger;
    this.natsUrl = this.options.natsUrl ?? natsNodes.map((node) => node.url).join(',');
    // The IdP needs the web app's address (its redirect URI) before Nginx starts: pick the port now.
    const webPort = this.options.webPort === 0 && this.options.identity ? await freePort() : this.options.webPort;
    if (this.options.identity) {
      this.identity = await startIdentity({
        dataDir: join(this.dataDir, 'identity'),
        logDir: this.logDir,
        port: this.options.identityPort,
        webRedirectUris: this.options.webRedirectUris ?? (webPort ? [`http://${this.options.webHost ?? '127.0.0.1'}:${webPort}/`] : undefined),
        echo: this.options.echo,
      });
    }
    const mongoUrl = this.options.mongoUrl ?? (mongo as MongoServer).url;
    this.mongoUrl = withMongoDatabase(mongoUrl, this.options.databaseName ?? mongoDatabaseName(mongoUrl));
    await Promise.all(Array.from({ length: this.options.replicas ?? 2 }, (_, i) => this.addReplica(i + 1)));
    for (let n = 1; n <= (this.options.gateways ?? 1); n++) await this.addGateway(n);
    await waitFor('the gateway to reach a books-service replica', () => httpOk(`${this.baseUrl}/health/ready`)).catch((error: Error) => {
      const tails = [...this.gateways, ...this.services].map((app) => `--- ${app.process.name} ---\n${app.process.tail(15)}`);
      throw new Error(`${error.message}\n${tails.join('\n')}`);
    });
    if (webPort !== undefined) {
      this.web = await startNginx({
        prefix: join(this.dataDir, 'nginx'),
        logDir: this.logDir,
        gatewayAddress: `127.0.0.1:${this.gateway.port}`,
        secondGatewayAddress: this.gateways[1] && `127.0.0.1:${this.gateways[1].port}`,
        port: webPort || undefined,
        host: this.options.webHost,
        // The page signs in against this topology's identity provider: let it call that origin.
        settings: { ...(this.identity && { IDENTITY_ORIGIN: new URL(this.identity.issuer).origin }), ...this.options.webSettings },
      });
    }
    for (const server of [...this.natsNodes, this.mongo, this.jaeger, this.identity, ...this.gateways, this.web]) this.superviseRestarts(server?.process);
  }

  /** One NATS server, or a cluster of `natsNodes`; either way only the topology's users get in. */
  private async startNats(): Promise<NatsServer[]> {
    const nodes = this.options.natsNodes ?? 1;
    const dir = join(this.dataDir, 'nats');
    if (nodes === 1) return [await startNats(dir, this.logDir, 'nats', { auth: true })];
    return startNatsCluster(dir, this.logDir, nodes, { auth: true });
  }

  private superviseRestarts(process: ManagedProcess | undefined): void {
    const { restart } = this.options;
    if (restart) process?.restartOnExit(restart === true ? {} : restart);
  }

  /** Starts one more gateway (`gateway-<n>`; the first is `gateway`, on `gatewayPort`). */
  async addGateway(n = this.gateways.length + 1): Promise<HttpApp> {
    const gateway = await startGateway({
      name: n === 1 ? 'gateway' : `gateway-${n}`,
      natsUrl: this.natsUrl,
      logDir: this.logDir,
      env: { ...this.natsEnv('gateway'), ...this.identityEnv(), ...this.tracingEnv(), ...this.options.gatewayEnv },
      echo: this.options.echo,
      port: n === 1 ? this.options.gatewayPort : undefined,
    });
    this.gateways.push(gateway);
    return gateway;
  }

  /** Starts one more books-service replica (`books-service-<n>`), optionally on another NATS URL. */
  async addReplica(n = this.services.length + 1, natsUrl = this.natsUrl): Promise<HttpApp> {
    const service = await startBooksService({
      name: `books-service-${n}`,
      natsUrl,
      mongoUrl: this.mongoUrl,
      logDir: this.logDir,
      // The event stream (and the outbox bucket) with a copy on each NATS node.
      env: { ...this.natsEnv('books-service'), NATS_URL: natsUrl, ...(this.natsNodes.length > 1 && { EVENTS_REPLICAS: String(this.natsNodes.length) }), ...this.tracingEnv(), ...this.options.serviceEnv },
      echo: this.options.echo,
    });
    this.services.push(service);
    this.superviseRestarts(service.process);
    return service;
  }

  /** Stops everything, front to back, and deletes the data (logs stay in artifacts/). */
  async stop(): Promise<void> {
    await this.web?.process.stop();
    await Promise.all(this.gateways.map((gateway) => gateway.process.stop()));
    await Promise.all(this.services.map((service) => service.process.stop()));
    // Jaeger among the last: the apps send their last spans as they stop.
    await Promise.all([...this.natsNodes.map((node) => node.process.stop()), this.mongo?.process.stop(), this.identity?.process.stop(), this.jaeger?.process.stop()]);
    if (!this.options.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
