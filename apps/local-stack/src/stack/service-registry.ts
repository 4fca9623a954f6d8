import { agentDispatcherService } from '@leaf/agent-dispatcher/feature';
import { claimsRuntimeService } from '@leaf/claims-runtime/feature';
import { contractPacketsService } from '@leaf/contract-packets/feature';
import { domoTakeoverService } from '@leaf/domo-takeover/feature';
import { gatewayService } from '@leaf/gateway/feature';
import { laneWorkerService } from '@leaf/lane-worker/feature';
import type { PlatformConfig, ServiceDefinition } from '@leaf/platform';
import { retrievalService } from '@leaf/retrieval/feature';
import { salesforceMirrorService } from '@leaf/salesforce-mirror/feature';

/** Back-end services first, the gateway last, so the gateway's first /health finds them up. */
export const localStackServices: ReadonlyArray<ServiceDefinition<PlatformConfig>> = [
  claimsRuntimeService,
  domoTakeoverService,
  contractPacketsService,
  salesforceMirrorService,
  retrievalService,
  agentDispatcherService,
  laneWorkerService,
  gatewayService as unknown as ServiceDefinition<PlatformConfig>,
];
