import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { NatsModuleOptions } from './nats.options';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: NATS_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<NatsModuleOptions>().setClassMethodName('forRoot').build();
