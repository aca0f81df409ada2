import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BooksSubjects } from '@books/contracts';
import { NatsConnectionManager, NatsRpcClient } from '@books/nats-rpc';
import { Public } from '../auth/access.decorators';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';

const PING_TIMEOUT_MS = 1_000;
/**
 * How long one readiness check answers every caller. The probe is exempt from the rate
 * limit, and each check costs a NATS round trip and a database ping: a flood of probes
 * costs one check a second.
 */
export const READY_CACHE_MS = 1_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private lastCheck?: { at: number; result: Promise<void> };

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

  /** Says whether, not which replica answered: replica names are nobody's business outside. */
  @Get('ready')
  @ApiOperation({ summary: 'NATS is connected and a books-service replica answers (with its database up); checked at most once a second' })
  @ApiOkResponse()
  @ApiProblemResponses()
  async ready(): Promise<{ status: 'ok' }> {
    const now = Date.now();
    if (!this.lastCheck || now - this.lastCheck.at >= READY_CACHE_MS) this.lastCheck = { at: now, result: this.check() };
    await this.lastCheck.result;
    return { status: 'ok' };
  }

  private async check(): Promise<void> {
    if (!this.nats.connected) throw new ServiceUnavailableException('Not connected to NATS');
    await this.rpc.request(BooksSubjects.ping, {}, { timeoutMs: PING_TIMEOUT_MS });
  }
}
