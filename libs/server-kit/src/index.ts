export * from './config';
export * from './logging';
export * from './metrics';
export * from './mongo-url';
export * from './retry';
export * from './uuid-v5';
export * from './tracing';
