export * from './nats.module';
export * from './nats.options';
export * from './nats-connection.manager';
export * from './nats-rpc.client';
export * from './nats-rpc.context';
export * from './nats-rpc.server';
export * from './rpc.errors';
export * from './trace-context';
