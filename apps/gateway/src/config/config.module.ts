import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from './gateway.config';

@Global()
@Module({
  providers: [{ provide: GatewayConfig, useFactory: () => new GatewayConfig() }],
  exports: [GatewayConfig],
})
export class ConfigModule {}
