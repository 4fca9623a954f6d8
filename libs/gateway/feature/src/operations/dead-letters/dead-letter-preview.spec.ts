import { deadLetterPreview, deadLetterPreviewChars } from './dead-letter-preview';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const secrets = [jwt, 'sig=AbC', 'X-Amz-Signature=feed', 'hunter2', 'sk-live-123', 'blob.core.windows.net', '/home/leaf/.data'];

describe('deadLetterPreview', () => {
  it('keeps what identifies a message and drops every credential, signature and URL, whatever the field is called', () => {
    const body = {
      taskId: 'tsk_1',
      clientId: 'client-a',
      parameters: {
        accessToken: 'sk-live-123',
        nested: [{ clientSecret: 'hunter2' }, `Authorization: Bearer ${jwt}`],
        packetUrl: 'https://leaf.blob.core.windows.net/p/a.pdf?sv=1&sig=AbC',
        s3: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=feed',
        detached: 'sv=2024&sig=AbC',
        lake: 'file:///home/leaf/.data/lake/x',
      },
    };
    const { text, truncated } = deadLetterPreview({ body });
    for (const secret of secrets) expect([secret, text.includes(secret)]).toEqual([secret, false]);
    expect(text).toContain('"taskId":"tsk_1"');
    expect(text).toContain('"accessToken":"[REDACTED]"');
    expect(text).toContain('<url>');
    expect(truncated).toBe(false);
  });

  it('scrubs before it cuts, so a token straddling the cut leaves no fragment', () => {
    const padding = 'x'.repeat(deadLetterPreviewChars - 20);
    const { text, truncated } = deadLetterPreview({ body: { note: `${padding} Bearer ${jwt}` } });
    expect(truncated).toBe(true);
    expect(Array.from(text)).toHaveLength(deadLetterPreviewChars);
    expect(text).not.toContain('eyJ');
  });

  it('shows an undecodable body as lossy text with its controls replaced, scrubbed the same way', () => {
    const raw = new Uint8Array(Buffer.concat([Buffer.from(`\u001b[31mpoison Bearer ${jwt} https://h/x?sig=AbC `), Buffer.from([0xff, 0xfe])]));
    const { text } = deadLetterPreview({ body: undefined, rawBody: raw });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain(jwt);
    expect(text).not.toContain('sig=AbC');
    expect(text).toContain('poison Bearer [REDACTED]');
    expect(text).toContain('\ufffd');
  });
});
