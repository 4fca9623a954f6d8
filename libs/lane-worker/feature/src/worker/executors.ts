import { AzureOpenAiClient } from '../narrative/azure-openai.client';
import { ClaimsReconcileExecutor } from '../executors/claims-reconcile.executor';
import { ContractsSyncExecutor } from '../executors/contracts-sync.executor';
import { DomoCompareExecutor, DomoIngestExecutor } from '../executors/domo-takeover.executor';
import { noopExecutor } from '../executors/noop.executor';
import { ReportNarrativeExecutor } from '../executors/report-narrative.executor';
import { RetrievalReindexExecutor } from '../executors/retrieval-reindex.executor';
import { SalesforceSyncExecutor } from '../executors/salesforce-sync.executor';
import { ServiceClient, type CallScope } from '../http/service-client';
import type { LaneWorkerConfig } from '../lane-worker.config';
import type { TaskExecutor } from './task-executor';

export type HeadersFor = (scope: CallScope) => Record<string, string>;

/** The executor of every built-in kind, wired to the services and model the config names. */
export function builtInExecutors(config: LaneWorkerConfig, headers: HeadersFor = () => ({})): Map<string, TaskExecutor> {
  const claims = new ServiceClient({ baseUrl: config.LEAF_CLAIMS_RUNTIME_URL, service: 'claims-runtime', headers });
  const packets = new ServiceClient({ baseUrl: config.LEAF_CONTRACT_PACKETS_URL, service: 'contract-packets', headers, timeoutMs: 120_000 });
  // A reindex re-embeds every document of a client; the task's own timeout bounds it.
  const retrieval = new ServiceClient({ baseUrl: config.LEAF_RETRIEVAL_URL, service: 'retrieval', headers, timeoutMs: 30 * 60_000 });
  // A full reload of a large org takes a while; the task's own timeout bounds it.
  const mirror = new ServiceClient({ baseUrl: config.LEAF_SALESFORCE_MIRROR_URL, service: 'salesforce-mirror', headers, timeoutMs: 30 * 60_000 });
  // An ingest of a large export or a 5M-key comparison takes a while; the task's own timeout bounds it.
  const domo = new ServiceClient({ baseUrl: config.LEAF_DOMO_TAKEOVER_URL, service: 'domo-takeover', headers, timeoutMs: 60 * 60_000 });
  const model =
    config.LEAF_AZURE_OPENAI_ENDPOINT && config.LEAF_AZURE_OPENAI_API_KEY && config.LEAF_AZURE_OPENAI_DEPLOYMENT
      ? new AzureOpenAiClient({
          endpoint: config.LEAF_AZURE_OPENAI_ENDPOINT,
          apiKey: config.LEAF_AZURE_OPENAI_API_KEY,
          deployment: config.LEAF_AZURE_OPENAI_DEPLOYMENT,
          apiVersion: config.LEAF_AZURE_OPENAI_API_VERSION,
          timeoutMs: 60_000,
        })
      : undefined;
  const executors: TaskExecutor[] = [
    noopExecutor,
    new ClaimsReconcileExecutor(claims, { pollMs: config.LEAF_TASK_POLL_MS }),
    new ContractsSyncExecutor(packets),
    new ReportNarrativeExecutor(claims, model),
    new RetrievalReindexExecutor(retrieval),
    new SalesforceSyncExecutor(mirror),
    new DomoIngestExecutor(domo),
    new DomoCompareExecutor(domo),
  ];
  return new Map(executors.map((e) => [e.kind, e]));
}
