import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  deadLetterAddressBodySchema,
  deadLetterBatchBodySchema,
  deadLetterBatchResultSchema,
  deadLetterListQuerySchema,
  deadLetterListSchema,
  deadLetterParamsSchema,
  purgedDeadLetterSchema,
  resubmittedDeadLetterSchema,
  type DeadLetterAddressBody,
  type DeadLetterBatchBody,
  type DeadLetterBatchResult,
  type DeadLetterItem,
  type DeadLetterList,
  type DeadLetterListQuery,
  type Identity,
  type PurgedDeadLetter,
  type ResubmittedDeadLetter,
  type TopicName,
} from '@leaf/contracts';
import {
  MESSAGE_BUS,
  purgeDeadLetters,
  resubmitDeadLetters,
  type MessageBus,
  type ReceiveAddress,
  type ReceivedMessage,
  type ResubmitResult,
} from '@leaf/messaging';
import { AppError, CurrentIdentity, RequireRole, ZodPipe } from '@leaf/platform';
import { mapBusErrors } from '@leaf/service-kit';
import type { FastifyRequest } from 'fastify';
import { openApiSchema } from '../../openapi/openapi-schema';
import { clientOfMessage, messageVisibleTo } from '../message-scope';
import { deadLetterPreview } from './dead-letter-preview';

const addressOf = (a: { queue?: DeadLetterAddressBody['queue']; topic?: TopicName; subscription?: string }): ReceiveAddress =>
  a.queue !== undefined ? { queue: a.queue } : { topic: a.topic as TopicName, subscription: a.subscription as string };
const describeAddress = (a: ReceiveAddress) => ('queue' in a ? `queue=${a.queue}` : `topic=${a.topic} subscription=${a.subscription}`);

function itemOf(m: ReceivedMessage): DeadLetterItem {
  const preview = deadLetterPreview(m);
  return {
    sequenceNumber: m.sequenceNumber.toString(),
    messageId: m.messageId,
    subject: m.subject ?? null,
    clientId: m.rawBody ? null : (clientOfMessage(m.body) ?? null),
    reason: m.deadLetterReason ?? null,
    description: m.deadLetterErrorDescription ?? null,
    deliveryCount: m.deliveryCount,
    enqueuedAt: m.enqueuedAt.toISOString(),
    bodyBytes: m.rawBody ? m.rawBody.byteLength : Buffer.byteLength(JSON.stringify(m.body ?? null) ?? '', 'utf8'),
    bodyProblem: m.bodyProblem ?? null,
    bodyPreview: preview.text,
    bodyPreviewTruncated: preview.truncated,
  };
}

const resubmittedJson = (r: ResubmitResult['resubmitted'][number]): ResubmittedDeadLetter => ({
  sequenceNumber: r.sequenceNumber.toString(),
  originalMessageId: r.originalMessageId,
  messageId: r.messageId,
  deliveredTo: r.deliveredTo ?? null,
});

/**
 * Dead-letter administration through the gateway, on whichever bus it runs (embedded or Azure
 * Service Bus): list a queue's or subscription's dead letters with a scrubbed preview, resubmit
 * one or a batch to the original entity once the cause is fixed, purge one for good. Operators
 * only, within their client scope (another client's dead letter, or one naming no client for a
 * scoped operator, is not listed and is a 404). Writes take an Idempotency-Key (the gateway's
 * interceptor replays the first answer) and each one that runs is audited: who, what, outcome.
 */
@ApiTags('operations')
@ApiBearerAuth('entra')
@RequireRole('operator')
@Controller('v1/operations/dead-letters')
export class DeadLettersController {
  private readonly audit = new Logger('operator-audit');

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get()
  @ApiOkResponse({ description: 'a page of the dead letters of one queue or subscription, oldest first', schema: openApiSchema(deadLetterListSchema) })
  async list(@Query(new ZodPipe(deadLetterListQuerySchema)) query: DeadLetterListQuery, @CurrentIdentity() identity: Identity): Promise<DeadLetterList> {
    const address = addressOf(query);
    const maxCount = query.maxCount ?? 50;
    const page = await mapBusErrors(() =>
      this.bus.peek(address, {
        deadLetter: true,
        maxCount,
        ...(query.fromSequenceNumber !== undefined && { fromSequenceNumber: BigInt(query.fromSequenceNumber) }),
      }),
    );
    const last = page.at(-1);
    return {
      entity: 'queue' in address ? address.queue : address.topic,
      subscription: 'queue' in address ? null : address.subscription,
      items: page.filter((m) => messageVisibleTo(identity, m.body)).map(itemOf),
      // Paged over what the bus holds, not what the caller sees: a scoped page may be short and still not the last.
      nextFromSequenceNumber: page.length === maxCount && last ? (last.sequenceNumber + 1n).toString() : null,
    };
  }

  @Post('resubmit')
  @HttpCode(200)
  @ApiOkResponse({ description: 'what was resubmitted, not found, not reached or refused', schema: openApiSchema(deadLetterBatchResultSchema) })
  async resubmitBatch(
    @Body(new ZodPipe(deadLetterBatchBodySchema)) body: DeadLetterBatchBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<DeadLetterBatchResult> {
    const address = addressOf(body);
    const wanted = [...new Set(body.sequenceNumbers.map((s) => BigInt(s)))];
    const result = await this.resubmit(identity, address, wanted);
    const answer = {
      resubmitted: result.resubmitted.map(resubmittedJson),
      notFound: result.notFound.map(String),
      notReached: result.notReached.map(String),
      refused: result.refused.map((r) => ({ sequenceNumber: r.sequenceNumber.toString(), reason: r.reason, description: r.description })),
    };
    this.record(request, identity, 'resubmit', address, wanted, {
      resubmitted: answer.resubmitted.map((r) => r.sequenceNumber),
      notFound: answer.notFound,
      notReached: answer.notReached,
      refused: answer.refused.map((r) => r.sequenceNumber),
    });
    return answer;
  }

  @Post(':sequenceNumber/resubmit')
  @HttpCode(200)
  @ApiOkResponse({ description: "the copy sent to the dead letter's entity", schema: openApiSchema(resubmittedDeadLetterSchema) })
  async resubmitOne(
    @Param(new ZodPipe(deadLetterParamsSchema)) { sequenceNumber }: { sequenceNumber: string },
    @Body(new ZodPipe(deadLetterAddressBodySchema)) body: DeadLetterAddressBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<ResubmittedDeadLetter> {
    const address = addressOf(body);
    const seq = BigInt(sequenceNumber);
    const result = await this.resubmit(identity, address, [seq]);
    const [done] = result.resubmitted;
    const [refused] = result.refused;
    const outcome = done ? 'resubmitted' : refused ? `refused:${refused.reason}` : result.notReached.length ? 'not-reached' : 'not-found';
    this.record(request, identity, 'resubmit', address, [seq], { outcome });
    if (done) return resubmittedJson(done);
    if (refused) throw new AppError('CONFLICT', `dead letter ${seq} can never be handled (${refused.reason}: ${refused.description}); purge it instead`);
    if (result.notReached.length) throw new AppError('CONFLICT', `dead letter ${seq} is locked by another receiver; try again`);
    throw new AppError('NOT_FOUND', `no dead-lettered message with sequence number ${seq}`);
  }

  @Post(':sequenceNumber/purge')
  @HttpCode(200)
  @ApiOkResponse({ description: 'the dead letter, completed for good', schema: openApiSchema(purgedDeadLetterSchema) })
  async purge(
    @Param(new ZodPipe(deadLetterParamsSchema)) { sequenceNumber }: { sequenceNumber: string },
    @Body(new ZodPipe(deadLetterAddressBodySchema)) body: DeadLetterAddressBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
  ): Promise<PurgedDeadLetter> {
    const address = addressOf(body);
    const seq = BigInt(sequenceNumber);
    const visible = await this.visible(identity, address, [seq]);
    const result = visible.length ? await mapBusErrors(() => purgeDeadLetters(this.bus, address, visible)) : { purged: [], notFound: [seq], notReached: [] };
    const [done] = result.purged;
    this.record(request, identity, 'purge', address, [seq], { outcome: done ? 'purged' : result.notReached.length ? 'not-reached' : 'not-found' });
    if (done) return { sequenceNumber: done.sequenceNumber.toString(), messageId: done.messageId, purged: true };
    if (result.notReached.length) throw new AppError('CONFLICT', `dead letter ${seq} is locked by another receiver; try again`);
    throw new AppError('NOT_FOUND', `no dead-lettered message with sequence number ${seq}`);
  }

  /** Resubmits what the caller may see; another client's dead letter is as absent as a missing one (notFound, untouched). */
  private async resubmit(identity: Identity, address: ReceiveAddress, wanted: bigint[]): Promise<ResubmitResult> {
    const visible = await this.visible(identity, address, wanted);
    const hidden = wanted.filter((s) => !visible.includes(s));
    const result = visible.length
      ? await mapBusErrors(() => resubmitDeadLetters(this.bus, address, visible))
      : { resubmitted: [], notFound: [], notReached: [], refused: [] };
    return { ...result, notFound: [...result.notFound, ...hidden].sort((a, b) => (a < b ? -1 : 1)) };
  }

  /** Of these dead letters, the ones in the caller's client scope (each peeked: at most a batch of 100). */
  private async visible(identity: Identity, address: ReceiveAddress, sequenceNumbers: readonly bigint[]): Promise<bigint[]> {
    if (identity.clientIds === '*') return [...sequenceNumbers];
    const visible: bigint[] = [];
    for (const seq of sequenceNumbers) {
      const [m] = await mapBusErrors(() => this.bus.peek(address, { deadLetter: true, fromSequenceNumber: seq, maxCount: 1 }));
      if (m && m.sequenceNumber === seq && messageVisibleTo(identity, m.body)) visible.push(seq);
    }
    return visible;
  }

  /** One audit line per write that ran (an Idempotency-Key replay runs nothing and is not repeated). */
  private record(
    request: FastifyRequest,
    identity: Identity,
    action: 'resubmit' | 'purge',
    address: ReceiveAddress,
    sequenceNumbers: readonly bigint[],
    outcome: Record<string, string | readonly string[]>,
  ): void {
    const outcomes = Object.entries(outcome)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : v}`)
      .join(' ');
    this.audit.log(
      `dead-letter ${action} requestId=${request.id} subject=${JSON.stringify(identity.subject)} issuer=${identity.issuer} ${describeAddress(address)} sequenceNumbers=[${sequenceNumbers.join(',')}] ${outcomes}`,
    );
  }
}
