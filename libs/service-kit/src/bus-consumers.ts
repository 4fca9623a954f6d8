import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceName } from '@leaf/contracts';
import { BusTransport, MESSAGE_BUS, type MessageBus } from '@leaf/messaging';

/** How many messages one service handles at once per subscription. */
const maxConcurrentCalls = 4;

/**
 * Every `@EventPattern(<topic or queue>)` handler in the service's controllers becomes a consumer
 * of the service's own subscription (declared in the topic catalogue; an undeclared one stops the
 * start), with the contract checked on arrival. Started before the HTTP listener, so a ready
 * service is also consuming; closed with the app, which waits for in-flight handlers.
 */
export async function startBusConsumers(app: NestFastifyApplication, service: ServiceName): Promise<void> {
  const bus = app.get<MessageBus>(MESSAGE_BUS);
  app.connectMicroservice({ strategy: new BusTransport({ bus, consumer: service, maxConcurrentCalls }) });
  await app.startAllMicroservices();
}
