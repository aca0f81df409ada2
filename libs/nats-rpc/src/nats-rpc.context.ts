import { BaseRpcContext } from '@nestjs/microservices';
import { type MsgHdrs, headers } from '@nats-io/transport-node';
import { REQUEST_ID_HEADER } from '@books/contracts';

type NatsRpcContextArgs = [subject: string, headers: MsgHdrs | undefined];

/** What a handler can learn about the message it answers, via `@Ctx()`. */
export class NatsRpcContext extends BaseRpcContext<NatsRpcContextArgs> {
  private replyHeaders?: MsgHdrs;

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

  /** Sends a header with the reply (metadata about the answer, beside the payload). */
  setReplyHeader(name: string, value: string): void {
    (this.replyHeaders ??= headers()).set(name, value);
  }

  /** The headers handlers set for the reply, if any. */
  getReplyHeaders(): MsgHdrs | undefined {
    return this.replyHeaders;
  }
}
