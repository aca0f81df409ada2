import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { context, trace } from '@opentelemetry/api';
import { destination, stdTimeFunctions } from 'pino';

export interface LoggingOptions {
  /** Stamped on every line as `service`. */
  service: string;
  /** Log one line per HTTP request (the gateway); off where HTTP only serves probes. */
  httpRequests: boolean;
  /** LOG_LEVEL: trace, debug, info, warn, error, fatal or silent. */
  level: string;
  /**
   * More fields for each request's line (who called, from where), read from the raw request
   * once the response is finished, when the app has learnt them.
   */
  requestProps?: (request: IncomingMessage) => Record<string, unknown>;
}

/** Paths probed every few seconds by orchestrators and Prometheus; their lines are noise. */
const PROBES = /^\/(api\/)?(health\/|metrics$)/;

/**
 * Structured JSON logs on stdout for every app: one line per HTTP request with method,
 * path, status, duration and request id, and the request id on every line logged while
 * the request is handled.
 */
export function loggingModule({ service, httpRequests, level, requestProps }: LoggingOptions): DynamicModule {
  const options: Options = {
    level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Lines logged inside a traced request name its trace, to find it in Jaeger (nothing while tracing is off).
    mixin: traceFields,
    // The gateway puts its request id (from X-Request-Id, or new) on the raw request.
    genReqId: (request: IncomingMessage) => request.id ?? randomUUID(),
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    quietReqLogger: true,
    // pino-http asks at the start of the request too, before the app knows; only the finished line gets them.
    ...(requestProps ? { customProps: (request: IncomingMessage, response: ServerResponse) => (response.writableEnded ? requestProps(request) : {}) } : {}),
    // Nest mounts the logger as middleware, which sees the URL relative to its mount point.
    autoLogging: httpRequests ? { ignore: (request) => PROBES.test((request as { originalUrl?: string }).originalUrl ?? '') } : false,
    serializers: {
      req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }),
      res: (response: { statusCode: number }) => ({ status: response.statusCode }),
    },
    customSuccessMessage: (request, response) => `${request.method} ${request.url?.split('?')[0]} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${request.url?.split('?')[0]} ${response.statusCode}`,
    // 4xx are the client's business; only our own failures are errors.
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
  };
  // Synchronous writes: the last lines before a crash or a shutdown are the ones that matter.
  return LoggerModule.forRoot({ pinoHttp: [options, destination({ dest: 1, sync: true })] });
}

function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  return span?.isRecording() ? { traceId: span.spanContext().traceId } : {};
}
