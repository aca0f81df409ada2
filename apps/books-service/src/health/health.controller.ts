import { Controller, Get, ServiceUnavailableException, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { BooksSubjects } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { BooksServiceConfig } from '../config/books-service.config';
import { Database } from '../database/database';
import { RpcErrorFilter } from '../errors/rpc-error.filter';

/** Health over HTTP for orchestrators, and over NATS for the gateway's readiness check. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly config: BooksServiceConfig,
    private readonly database: Database,
    private readonly nats: NatsConnectionManager,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok' }> {
    const database = await this.database.ping().then(
      () => true,
      () => false,
    );
    if (!database || !this.nats.connected) {
      throw new ServiceUnavailableException({ status: 'unavailable', database, nats: this.nats.connected });
    }
    return { status: 'ok' };
  }

  @MessagePattern(BooksSubjects.ping)
  @UseFilters(RpcErrorFilter)
  async ping(): Promise<{ replica: string }> {
    await this.database.ping();
    return { replica: this.config.REPLICA_ID };
  }
}
