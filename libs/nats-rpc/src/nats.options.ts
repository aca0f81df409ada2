export interface NatsModuleOptions {
  /** One or more server URLs, comma separated: `nats://127.0.0.1:4222`. */
  servers: string;
  /** Shown by the server in its connection list (`nats server report connections`). */
  name: string;
  /** User and password, when the server requires them. */
  user?: string;
  pass?: string;
}
