import { BaseRpcContext } from '@nestjs/microservices';
import type { ReceivedMessage } from '../port/message';
import type { HandlerContext } from '../port/settlement';

/** `@Ctx() ctx: BusContext` gives a handler the envelope and explicit settlement when it needs them. */
export class BusContext extends BaseRpcContext<[ReceivedMessage, HandlerContext]> {
  getMessage(): ReceivedMessage {
    return this.args[0];
  }

  getSettlement(): HandlerContext {
    return this.args[1];
  }
}
