import { Global, Module } from '@nestjs/common';
import { GatewayConfig, loadGatewayConfig } from './gateway.config';

@Global()
@Module({
  providers: [{ provide: GatewayConfig, useFactory: () => loadGatewayConfig() }],
  exports: [GatewayConfig],
})
export class ConfigModule {}
