import { connect } from 'node:net';

/** One answer the suite got, kept for the final leak scan. */
export interface Answer {
  label: string;
  status: number;
  headers: Headers;
  text: string;
  // Bodies are navigated freely in assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw text instead of JSON (malformed or oversized bodies). */
  rawBody?: string;
}

/**
 * The suite's HTTP client: every answer (status, headers, body) is recorded, so the last case can
 * scan everything any attack got back.
 */
export class AttackClient {
  readonly answers: Answer[] = [];

  constructor(private readonly baseUrl: string) {}

  async send(path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const answer = {
      label: `${options.method ?? (body === undefined ? 'GET' : 'POST')} ${path.slice(0, 200)}`,
      status: res.status,
      headers: res.headers,
      text,
      body: parsed,
    };
    this.answers.push(answer);
    return answer;
  }

  /** Bytes on a socket as they are (what fetch refuses to send), the raw answer recorded too. */
  async raw(request: string, label: string): Promise<{ status: number; head: string; text: string }> {
    const { port, hostname } = new URL(this.baseUrl);
    const answer = await new Promise<string>((resolve) => {
      let data = '';
      const socket = connect(Number(port), hostname, () => socket.write(request));
      const timer = setTimeout(() => socket.destroy(), 5_000);
      const done = () => {
        clearTimeout(timer);
        resolve(data);
      };
      socket.on('data', (chunk) => (data += chunk.toString('utf8')));
      socket.on('close', done);
      socket.on('error', done);
    });
    const split = answer.indexOf('\r\n\r\n');
    const head = split >= 0 ? answer.slice(0, split) : answer;
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
    this.answers.push({ label, status, headers: new Headers(), text: answer, body: answer.slice(split + 4) });
    return { status, head: head.toLowerCase(), text: answer.slice(split + 4) };
  }
}
