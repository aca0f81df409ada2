import { Controller, Get, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BooksSubjects } from '@books/contracts';
import { NatsConnectionManager, NatsRpcClient } from '@books/nats-rpc';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';

const PING_TIMEOUT_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly rpc: NatsRpcClient,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The gateway process is up' })
  @ApiOkResponse()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'NATS is connected and a books-service replica answers (with its database up)' })
  @ApiOkResponse()
  @ApiProblemResponses()
  async ready(@Req() request: FastifyRequest): Promise<{ status: 'ok'; replica: string }> {
    if (!this.nats.connected) throw new ServiceUnavailableException('Not connected to NATS');
    const { replica } = await this.rpc.request<{ replica: string }>(BooksSubjects.ping, {}, { timeoutMs: PING_TIMEOUT_MS, requestId: request.id });
    return { status: 'ok', replica };
  }
}
