import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { clusterStatusSchema, laneStatusListSchema, queueDepthListSchema, type Identity } from '@leaf/contracts';
import { MESSAGE_BUS, type MessageBus } from '@leaf/messaging';
import { DATA_SOURCE } from '@leaf/persistence';
import { CurrentIdentity, RequireRole } from '@leaf/platform';
import type { DataSource } from 'typeorm';
import { openApiSchema } from '../openapi/openapi-schema';
import type { ClusterConnectionResult } from './cluster/cluster-reader';
import { readLaneWorkerCluster } from './cluster/lane-worker-cluster';
import { readLaneStatus } from './lanes/lane-status.reader';
import { readQueueDepths } from './queues/queue-depth.reader';

/** How the operations API reaches the cluster (in-cluster config when deployed; a fake in specs). */
export const CLUSTER_CONNECTION = Symbol('leaf.gateway.cluster-connection');
export type ClusterConnector = () => Promise<ClusterConnectionResult>;

/** A scrape peeks at most this many messages per entity and sub-queue: cheap however deep a queue is (`capped` says when reached). */
export const operationsPeekBound = 1_000;
/** A woken task no worker took for this long is counted stuck (the watchdog re-dispatches it later). */
export const stuckAfterMs = 10 * 60_000;

/**
 * What operators need to see without SQL or kubectl: queue depths, lanes and the cluster. Read
 * only, operators only, and within their client scope for anything that belongs to a client.
 */
@ApiTags('operations')
@ApiBearerAuth('entra')
@RequireRole('operator')
@Controller('v1/operations')
export class OperationsController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLUSTER_CONNECTION) private readonly connect: ClusterConnector,
  ) {}

  @Get('queues')
  @ApiOkResponse({
    description: 'active, scheduled and dead-lettered messages and the oldest active age of every queue and subscription',
    schema: openApiSchema(queueDepthListSchema),
  })
  async queues(@CurrentIdentity() identity: Identity) {
    const measuredAt = new Date();
    return {
      measuredAt: measuredAt.toISOString(),
      peekBound: operationsPeekBound,
      items: await readQueueDepths(this.bus, identity, operationsPeekBound, measuredAt.getTime()),
    };
  }

  @Get('lanes')
  @ApiOkResponse({
    description: 'per task lane: queued, running, stuck and blocked tasks, and the workers holding leases',
    schema: openApiSchema(laneStatusListSchema),
  })
  async lanes(@CurrentIdentity() identity: Identity) {
    return { measuredAt: new Date().toISOString(), stuckAfterSeconds: stuckAfterMs / 1000, items: await readLaneStatus(this.ds, identity, stuckAfterMs) };
  }

  @Get('cluster')
  @ApiOkResponse({
    description: 'KEDA ScaledObjects/ScaledJobs with readiness and replicas, lane-worker pods and Jobs; outside a cluster, why not',
    schema: openApiSchema(clusterStatusSchema),
  })
  async cluster() {
    return readLaneWorkerCluster(this.connect);
  }
}
