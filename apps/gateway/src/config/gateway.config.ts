import * as z from 'zod';
import { ConfigFrom, env } from '@books/server-kit';

/** Asymmetric JWS algorithms, the only ones a resource server that holds no secret should accept. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** A whole number in a range, as server-kit's `env` helpers read them (no `Number('')`). */
const integerSetting = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number, not ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .default(fallback);

const schema = z.object({
  PORT: env.port(3000),
  LOG_LEVEL: env.logLevel(),
  HOST: env.text('0.0.0.0'),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^(nats|tls):\/\/.+/),
  /** This app's NATS user and password, both or neither (a NATS that lets anyone in). */
  NATS_USER: z.string().min(1, { error: 'must not be empty' }).optional(),
  NATS_PASSWORD: z.string().min(1, { error: 'must not be empty' }).optional(),
  /** Deadline for one books-service request; past it the client gets 504. */
  NATS_REQUEST_TIMEOUT_MS: env.milliseconds(3_000),
  /** Answer repeated reads from memory, invalidated by the event stream. */
  READ_CACHE: env.boolean(true),
  /** Entries kept per kind (list pages, books); the oldest go first. */
  READ_CACHE_MAX_ENTRIES: env.positiveInt(1_000),
  /** Events kept in memory for reconnecting SSE clients; older ones are replayed from JetStream. */
  EVENTS_BUFFER_SIZE: env.positiveInt(5_000),
  /** How often an idle SSE connection gets a comment line, to keep proxies from closing it. */
  SSE_HEARTBEAT_MS: env.milliseconds(15_000),
  /**
   * Which proxies' X-Forwarded-For to believe (the client address for rate limiting):
   * proxy-addr names or CIDRs. Default: private networks, where Nginx runs.
   */
  TRUST_PROXY: z.string().default('loopback,linklocal,uniquelocal'),
  /** Requests per client per window before 429; 0 turns rate limiting off. */
  RATE_LIMIT_MAX: env.count(1_200),
  RATE_LIMIT_WINDOW_MS: env.milliseconds(60_000),
  /** Origins allowed to call the API from a browser (development only); empty means none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** How long an idle keep-alive connection stays open (longer than Nginx's 60 s upstream keepalive). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: env.milliseconds(72_000),
  /** The largest import file (POST /api/books/import) in bytes; larger ones get 413. */
  IMPORT_MAX_BYTES: env.positiveInt(256 * 1024 * 1024),
  /** How long a client may take to send a whole request: its headers and its body. */
  HTTP_REQUEST_TIMEOUT_MS: env.milliseconds(10_000),
  /**
   * The site reaches browsers over HTTPS (TLS ends in front of Nginx): only then does the API
   * send Strict-Transport-Security and ask browsers to upgrade insecure requests. Over plain
   * HTTP those would send every asset of /api/docs to an https:// address that is not there.
   */
  PUBLIC_HTTPS: env.boolean(false),

  /**
   * Sign-in (OpenID Connect): the gateway is an OAuth 2 resource server that checks bearer
   * access tokens. `off` lets every request do everything, with no actor on changes: for tests
   * of unrelated behaviour and local development only (start-up warns loudly).
   */
  AUTH: z.enum(['oidc', 'off'], { error: (issue) => `must be oidc or off, not ${JSON.stringify(issue.input)}` }).default('oidc'),
  /** The identity provider's issuer URL, exactly as tokens carry it in `iss`. Required with AUTH=oidc. */
  OIDC_ISSUER: env.optionalUrl(/^https?:\/\//),
  /** The audience (`aud`) access tokens must be for: this API. */
  OIDC_AUDIENCE: env.text('books-api'),
  /** Where the signing keys are; unset: the `jwks_uri` of the issuer's discovery document, fetched on first use. */
  OIDC_JWKS_URL: env.optionalUrl(/^https?:\/\//),
  /** The claim with the caller's roles: an array of strings, or one space-separated string. A dotted path reaches into objects (`realm_access.roles`). */
  OIDC_ROLES_CLAIM: env.text('roles'),
  /** The claim with the caller's display name; without it, `preferred_username`, then `sub`. */
  OIDC_NAME_CLAIM: env.text('name'),
  /** Leeway for `exp` and `nbf` between the identity provider's clock and ours. */
  OIDC_CLOCK_TOLERANCE_S: integerSetting(5, 0, 300),
  /** Signature algorithms accepted. Symmetric (HS*) and `none` are refused: a public key must never work as a shared secret. */
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform((value) => value.split(',').map((alg) => alg.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.enum(ASYMMETRIC_ALGORITHMS, { error: (issue) => `${JSON.stringify(issue.input)} is not accepted: use asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')})` }))
        .min(1, { error: 'name at least one algorithm' }),
    ),
  /** How long fetched signing keys are trusted before they are fetched again (an unknown `kid` fetches at once). */
  OIDC_JWKS_CACHE_MAX_AGE_MS: env.positiveInt(600_000),
  /** After fetching the keys, the least time before a token with an unknown `kid` may fetch them again (so junk tokens cannot hammer the identity provider). */
  OIDC_JWKS_COOLDOWN_MS: env.positiveInt(30_000),
  /** The client id the web app signs in with (handed to it by GET /api/auth/config). */
  OIDC_WEB_CLIENT_ID: env.text('books-web'),
  /** The share of requests traced (OpenTelemetry), 0 to 1, decided here for the whole trace (the books-service follows); 0 turns tracing off and starts nothing. */
  TRACING_SAMPLE_RATIO: env.ratio(0),
  /** Where traces go: an OTLP/HTTP (protobuf) collector such as Jaeger; spans are sent to its /v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url('http://127.0.0.1:4318', /^https?:\/\//),
  /** Reads (lists, books, history, export, events) need a signed-in caller too; by default anyone may read. */
  READS_REQUIRE_SIGN_IN: env.boolean(false),
}).refine((config) => (config.NATS_USER === undefined) === (config.NATS_PASSWORD === undefined), {
  error: 'NATS_USER and NATS_PASSWORD go together: set both or neither',
  path: ['NATS_PASSWORD'],
}).refine((config) => config.AUTH === 'off' || config.OIDC_ISSUER !== undefined, {
  error: 'required with AUTH=oidc (or set AUTH=off, for local development only)',
  path: ['OIDC_ISSUER'],
});

/** Every environment variable the gateway reads: deployments must set no other (tests/deploy/src/settings.spec.ts). */
export const GATEWAY_SETTINGS: readonly string[] = Object.keys(schema.shape);

/** The gateway's validated configuration; inject it as `config: GatewayConfig`. */
export class GatewayConfig extends ConfigFrom(schema) {}
