import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  MESSAGE_BUS,
  inspectDeadLetter,
  isMessagingError,
  listDeadLetters,
  resubmitDeadLetters,
  type DeadLetterSummary,
  type MessageBus,
} from '@leaf/messaging';
import { AppError, RequireRole, ZodPipe } from '@leaf/platform';
import {
  addressOf,
  deadLetterQuerySchema,
  resubmitBodySchema,
  sequenceNumberParamsSchema,
  type DeadLetterQuery,
  type ResubmitBody,
} from './bus-admin.schemas';

const summaryJson = <D extends DeadLetterSummary>(d: D) => ({ ...d, sequenceNumber: d.sequenceNumber.toString(), enqueuedAt: d.enqueuedAt.toISOString() });

/** The bus's typed errors as problem+json: an entity the bus does not serve is a 404, a bus that is down a 502. */
async function mapBusErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isMessagingError(error, 'MESSAGING_ENTITY_UNKNOWN')) throw new AppError('NOT_FOUND', 'the bus does not serve that entity', { cause: error });
    if (isMessagingError(error, 'MESSAGING_UNAVAILABLE')) throw new AppError('UPSTREAM_UNAVAILABLE', 'the message bus is unavailable', { cause: error });
    throw error;
  }
}

/**
 * Dead-letter operations (list, inspect, resubmit) over the service's bus, for operators only:
 * a dead letter's summary names tasks and clients across every scope. Not in the public API
 * description: operators reach it inside the cluster, never through APIM.
 */
@ApiExcludeController()
@RequireRole('operator')
@Controller('admin/bus/dead-letters')
export class BusAdminController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get()
  async list(@Query(new ZodPipe(deadLetterQuerySchema)) query: DeadLetterQuery) {
    const items = await mapBusErrors(() =>
      listDeadLetters(this.bus, addressOf(query), {
        ...(query.maxCount !== undefined && { maxCount: query.maxCount }),
        ...(query.fromSequenceNumber !== undefined && { fromSequenceNumber: query.fromSequenceNumber }),
      }),
    );
    return { items: items.map(summaryJson) };
  }

  @Get(':sequenceNumber')
  async inspect(
    @Param(new ZodPipe(sequenceNumberParamsSchema)) { sequenceNumber }: { sequenceNumber: bigint },
    @Query(new ZodPipe(deadLetterQuerySchema)) query: DeadLetterQuery,
  ) {
    const detail = await mapBusErrors(() => inspectDeadLetter(this.bus, addressOf(query), sequenceNumber));
    if (!detail) throw new AppError('NOT_FOUND', `no dead-lettered message with sequence number ${sequenceNumber}`);
    return summaryJson(detail);
  }

  @Post('resubmit')
  @HttpCode(200)
  async resubmit(@Body(new ZodPipe(resubmitBodySchema)) body: ResubmitBody) {
    const result = await mapBusErrors(() => resubmitDeadLetters(this.bus, body.address, body.sequenceNumbers));
    return {
      resubmitted: result.resubmitted.map((r) => ({ ...r, sequenceNumber: r.sequenceNumber.toString() })),
      notFound: result.notFound.map(String),
      notReached: result.notReached.map(String),
      refused: result.refused.map((r) => ({ ...r, sequenceNumber: r.sequenceNumber.toString() })),
    };
  }
}
