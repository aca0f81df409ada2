import { BaseRpcContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { REQUEST_ID_HEADER } from '@books/contracts';

type NatsRpcContextArgs = [subject: string, headers: MsgHdrs | undefined];

/** What a handler can learn about the message it answers, via `@Ctx()`. */
export class NatsRpcContext extends BaseRpcContext<NatsRpcContextArgs> {
  getSubject(): string {
    return this.args[0];
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[1];
  }

  /** The id the gateway gave the HTTP request, if the caller sent one. */
  getRequestId(): string | undefined {
    return this.args[1]?.get(REQUEST_ID_HEADER) || undefined;
  }
}
