export * from './apps';
export * from './ferretdb';
export * from './nats';
export * from './ports';
export * from './process';
export * from './topology';
export * from './wait';
export * from './workspace';
