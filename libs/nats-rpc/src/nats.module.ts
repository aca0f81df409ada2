import { Global, Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './nats.module-definition';
import { NatsConnectionManager } from './nats-connection.manager';
import { NatsRpcClient } from './nats-rpc.client';

@Global()
@Module({
  providers: [NatsConnectionManager, NatsRpcClient],
  exports: [NatsConnectionManager, NatsRpcClient],
})
export class NatsModule extends ConfigurableModuleClass {}
