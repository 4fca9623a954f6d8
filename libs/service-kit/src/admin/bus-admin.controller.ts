import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { Identity } from '@leaf/contracts';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  MESSAGE_BUS,
  inspectDeadLetter,
  listDeadLetters,
  resubmitDeadLetters,
  type DeadLetterSummary,
  type MessageBus,
  type ReceiveAddress,
} from '@leaf/messaging';
import { AppError, CurrentIdentity, RequireRole, ZodPipe, canSeeClient } from '@leaf/platform';
import { mapBusErrors } from './bus-errors';
import { addressOf, deadLetterQuerySchema, resubmitBodySchema, sequenceNumberParamsSchema, type DeadLetterQuery, type ResubmitBody } from './bus-admin.schemas';

const summaryJson = <D extends DeadLetterSummary>(d: D) => ({ ...d, sequenceNumber: d.sequenceNumber.toString(), enqueuedAt: d.enqueuedAt.toISOString() });

/** The client a message belongs to (every contract body names one); undefined for a body without one, or undecodable. */
const clientOf = (body: unknown): string | undefined => {
  const clientId = (body as { clientId?: unknown } | null | undefined)?.clientId;
  return typeof clientId === 'string' ? clientId : undefined;
};

/**
 * Whether the caller may see a dead letter: its client must be in the caller's scope; a message
 * that names no client (or whose body cannot be read) only for callers of every client.
 */
const mayHandle = (identity: Identity, body: unknown): boolean => {
  const clientId = clientOf(body);
  return clientId === undefined ? identity.clientIds === '*' : canSeeClient(identity, clientId);
};

/**
 * Dead-letter operations (list, inspect, resubmit) over the service's bus, for operators only,
 * and within their client scope: another client's dead letter is not listed, is a 404 on inspect
 * and is left alone (notFound) on resubmit. Not in the public API description: operators reach
 * it inside the cluster, never through APIM.
 */
@ApiExcludeController()
@RequireRole('operator')
@Controller('admin/bus/dead-letters')
export class BusAdminController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get()
  async list(@Query(new ZodPipe(deadLetterQuerySchema)) query: DeadLetterQuery, @CurrentIdentity() identity: Identity) {
    const options = {
      ...(query.maxCount !== undefined && { maxCount: query.maxCount }),
      ...(query.fromSequenceNumber !== undefined && { fromSequenceNumber: query.fromSequenceNumber }),
    };
    const items = await mapBusErrors(() => listDeadLetters(this.bus, addressOf(query), options));
    if (identity.clientIds === '*') return { items: items.map(summaryJson) };
    // Summaries carry no body: the page is peeked once more to learn each message's client.
    const visible = await this.visibleSequenceNumbers(
      identity,
      addressOf(query),
      items.map((d) => d.sequenceNumber),
    );
    return { items: items.filter((d) => visible.has(d.sequenceNumber)).map(summaryJson) };
  }

  @Get(':sequenceNumber')
  async inspect(
    @Param(new ZodPipe(sequenceNumberParamsSchema)) { sequenceNumber }: { sequenceNumber: bigint },
    @Query(new ZodPipe(deadLetterQuerySchema)) query: DeadLetterQuery,
    @CurrentIdentity() identity: Identity,
  ) {
    const detail = await mapBusErrors(() => inspectDeadLetter(this.bus, addressOf(query), sequenceNumber));
    if (!detail || !mayHandle(identity, detail.body)) throw new AppError('NOT_FOUND', `no dead-lettered message with sequence number ${sequenceNumber}`);
    return summaryJson(detail);
  }

  @Post('resubmit')
  @HttpCode(200)
  async resubmit(@Body(new ZodPipe(resubmitBodySchema)) body: ResubmitBody, @CurrentIdentity() identity: Identity) {
    // Another client's dead letter is as absent as one that does not exist: untouched, reported notFound.
    const visible =
      identity.clientIds === '*' ? new Set(body.sequenceNumbers) : await this.visibleSequenceNumbers(identity, body.address, body.sequenceNumbers);
    const chosen = body.sequenceNumbers.filter((n) => visible.has(n));
    const hidden = body.sequenceNumbers.filter((n) => !visible.has(n));
    const result = chosen.length
      ? await mapBusErrors(() => resubmitDeadLetters(this.bus, body.address, chosen))
      : { resubmitted: [], notFound: [], notReached: [], refused: [] };
    return {
      resubmitted: result.resubmitted.map((r) => ({ ...r, sequenceNumber: r.sequenceNumber.toString() })),
      notFound: [...result.notFound, ...hidden].map(String),
      notReached: result.notReached.map(String),
      refused: result.refused.map((r) => ({ ...r, sequenceNumber: r.sequenceNumber.toString() })),
    };
  }

  /** Of these dead letters, the ones the caller's client scope covers (peeked one by one: at most a page). */
  private async visibleSequenceNumbers(identity: Identity, address: ReceiveAddress, sequenceNumbers: readonly bigint[]): Promise<Set<bigint>> {
    const visible = new Set<bigint>();
    for (const sequenceNumber of sequenceNumbers) {
      const [m] = await mapBusErrors(() => this.bus.peek(address, { deadLetter: true, fromSequenceNumber: sequenceNumber, maxCount: 1 }));
      if (m && m.sequenceNumber === sequenceNumber && mayHandle(identity, m.body)) visible.add(sequenceNumber);
    }
    return visible;
  }
}
