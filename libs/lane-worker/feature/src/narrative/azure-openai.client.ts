import { z } from 'zod';

export interface AzureOpenAiSettings {
  /** `https://<resource>.openai.azure.com` */
  endpoint: string;
  apiKey: string;
  deployment: string;
  apiVersion: string;
  timeoutMs: number;
}

const chatCompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** Chat completions on an Azure OpenAI deployment (the REST wire format; the key never leaves this call). */
export class AzureOpenAiClient {
  constructor(private readonly settings: AzureOpenAiSettings) {}

  get deployment(): string {
    return this.settings.deployment;
  }

  async complete(system: string, user: string, signal: AbortSignal): Promise<string> {
    const url = `${this.settings.endpoint.replace(/\/$/, '')}/openai/deployments/${encodeURIComponent(this.settings.deployment)}/chat/completions?api-version=${encodeURIComponent(this.settings.apiVersion)}`;
    const response = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.settings.timeoutMs)]),
      headers: { 'content-type': 'application/json', 'api-key': this.settings.apiKey },
      body: JSON.stringify({
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        temperature: 0,
        max_tokens: 800,
      }),
    });
    if (!response.ok) throw new Error(`Azure OpenAI answered ${response.status}`);
    const parsed = chatCompletionSchema.parse(await response.json());
    return parsed.choices[0].message.content ?? '';
  }
}
