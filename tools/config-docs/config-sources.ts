import { agentDispatcherService } from '@leaf/agent-dispatcher/feature';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { contractPacketsService } from '@leaf/contract-packets/feature';
import { serviceNames, type ServiceName } from '@leaf/contracts';
import { domoTakeoverService } from '@leaf/domo-takeover/feature';
import { gatewayService } from '@leaf/gateway/feature';
import { laneWorkerService } from '@leaf/lane-worker/feature';
import { retrievalService } from '@leaf/retrieval/feature';
import { salesforceMirrorService } from '@leaf/salesforce-mirror/feature';
import type { z } from 'zod';
// The launcher is an app without an import alias; its schema is the only other reader of settings.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { localStackConfigSchema } from '../../apps/local-stack/src/stack/local-stack.config';
import type { ConfigSource } from './config-table';

/**
 * Each service's schema is taken from the definition the kit boots it with, so "read by" is what
 * the service actually validates, not a list kept by hand.
 */
const services: Record<ServiceName, { configSchema: unknown }> = {
  gateway: gatewayService,
  'claims-runtime': claimsRuntimeService,
  'domo-takeover': domoTakeoverService,
  'contract-packets': contractPacketsService,
  'salesforce-mirror': salesforceMirrorService,
  retrieval: retrievalService,
  'agent-dispatcher': agentDispatcherService,
  'lane-worker': laneWorkerService,
};

export const configSources: readonly ConfigSource[] = [
  ...serviceNames.map((name) => ({ reader: name, schema: services[name].configSchema as z.ZodType })),
  { reader: 'local stack', schema: localStackConfigSchema },
];
