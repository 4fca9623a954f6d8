import { screenBody } from './body-screen';

const task = { taskId: 't-1', kind: 'claims.reconcile', clientId: 'city-of-riverton', parameters: {}, requestedBy: 'analyst@leaf' };
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const secret = 'sk-live-0a1b2c3d';

describe('screenBody', () => {
  const options = { maxBytes: 256, entity: 'agent-tasks' as const };

  it('decodes UTF-8 JSON that matches the contract, with no problem', () => {
    expect(screenBody(bytes(JSON.stringify(task)), options)).toEqual({ body: task });
    // A byte-order mark from another platform's client is not an error.
    expect(screenBody(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(JSON.stringify(task))]), options)).toEqual({ body: task });
  });

  it('gives each kind of unusable body its own reason, keeps the raw bytes of an undecodable one, and never quotes the body', () => {
    const notJson = screenBody(bytes(`password=${secret}`), options);
    expect(notJson.problem?.reason).toBe('BodyNotJson');
    expect(notJson.problem?.description).toMatch(/^the body \(\d+ bytes\) is not JSON/);
    expect(notJson.problem?.description).not.toContain(secret);
    expect(notJson.raw).toEqual(bytes(`password=${secret}`));

    expect(screenBody(bytes(`{"taskId": "${secret}"`), options).problem?.description).not.toContain(secret);
    expect(screenBody(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), options).problem).toMatchObject({ reason: 'BodyNotUtf8' });
    expect(screenBody(new Uint8Array(300).fill(0x20), options).problem).toEqual({
      reason: 'BodyTooLarge',
      description: 'the body is 300 bytes; the limit is 256',
    });
    expect(screenBody(['an', 'amqp', 'sequence'], options).problem?.reason).toBe('BodyNotJson');

    const off = screenBody(bytes(JSON.stringify({ ...task, clientId: secret.toUpperCase(), requestedBy: 7 })), options);
    expect(off.body).toMatchObject({ requestedBy: 7 });
    expect(off.raw).toBeUndefined();
    expect(off.problem?.reason).toBe('ContractViolation');
    expect(off.problem?.description).toMatch(/^does not match the agent-tasks contract: clientId: .*; requestedBy: /);
    expect(off.problem?.description).not.toContain(secret.toUpperCase());
  });

  it('checks no contract when given no entity', () => {
    expect(screenBody(bytes('[1,2]'), { maxBytes: 10 })).toEqual({ body: [1, 2] });
  });
});
