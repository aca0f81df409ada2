import { type DynamicModule, Global, Module } from '@nestjs/common';
import { GatewayConfig } from './gateway.config';

/** Provides the configuration main.ts loaded, so it is read and checked once. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: GatewayConfig, useValue: config }], exports: [GatewayConfig] };
  }
}
