import type { TokenCredential } from '@azure/identity';
import type { EmbeddingFunction } from '@leaf/retrieval/domain';

export interface AzureOpenAiEmbeddingOptions {
  /** `https://<resource>.openai.azure.com` */
  endpoint: string;
  deployment: string;
  /** text-embedding-3 models shorten their vectors on request: the index's dimension. */
  dimensions: number;
  apiVersion?: string;
  /** An api key, or else an Entra credential (workload identity) for Cognitive Services. */
  apiKey?: string;
  credential?: TokenCredential;
  fetch?: typeof fetch;
  maxAttempts?: number;
}

/** Inputs per request: the service accepts up to 2,048. */
const batchSize = 256;

/**
 * Azure OpenAI embeddings (`POST /openai/deployments/{deployment}/embeddings`), the production
 * embedding function. 429 and 5xx are retried after `retry-after` (or a doubling back-off); a
 * vector of another dimension than the index's is refused, not stored.
 */
export class AzureOpenAiEmbedding implements EmbeddingFunction {
  readonly name: string;
  readonly dimensions: number;

  constructor(private readonly options: AzureOpenAiEmbeddingOptions) {
    this.dimensions = options.dimensions;
    this.name = `azure-openai:${options.deployment}:${options.dimensions}`.slice(0, 64);
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batchSize) out.push(...(await this.batch(texts.slice(i, i + batchSize))));
    return out;
  }

  private async batch(input: readonly string[]): Promise<number[][]> {
    const url = `${this.options.endpoint.replace(/\/$/, '')}/openai/deployments/${encodeURIComponent(this.options.deployment)}/embeddings?api-version=${this.options.apiVersion ?? '2024-10-21'}`;
    const doFetch = this.options.fetch ?? fetch;
    const attempts = this.options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await this.auth()) },
        body: JSON.stringify({ input, dimensions: this.dimensions }),
      });
      if (res.ok) {
        const body = (await res.json()) as { data: { index: number; embedding: number[] }[] };
        const vectors = [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (vectors.length !== input.length || vectors.some((v) => v.length !== this.dimensions)) {
          throw new Error(`Azure OpenAI returned ${vectors.length} embeddings for ${input.length} inputs, or not of ${this.dimensions} dimensions`);
        }
        return vectors;
      }
      const retriable = res.status === 429 || res.status >= 500;
      if (!retriable || attempt >= attempts)
        throw new Error(`Azure OpenAI embeddings answered ${res.status} (deployment ${this.options.deployment}, attempt ${attempt})`);
      const after = Number(res.headers.get('retry-after'));
      await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? Math.min(after, 30) * 1000 : 250 * 2 ** attempt));
    }
  }

  private async auth(): Promise<Record<string, string>> {
    if (this.options.apiKey) return { 'api-key': this.options.apiKey };
    if (!this.options.credential) throw new Error('Azure OpenAI embeddings need an api key or a credential');
    const token = await this.options.credential.getToken('https://cognitiveservices.azure.com/.default');
    if (!token) throw new Error('no token for Azure OpenAI');
    return { authorization: `Bearer ${token.token}` };
  }
}
