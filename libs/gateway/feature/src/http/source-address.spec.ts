import { sourceAddress } from './source-address';

const req = (xff: string | string[] | undefined, peer = '10.0.0.9') => ({
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  socket: { remoteAddress: peer },
});

describe('sourceAddress', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(sourceAddress(req('203.0.113.7'), 0)).toBe('10.0.0.9');
  });

  it('takes the entry each trusted proxy vouches for, ignoring what the client prepended', () => {
    // client forged "1.1.1.1"; the one proxy (peer 10.0.0.9) appended the real client 203.0.113.7
    expect(sourceAddress(req('1.1.1.1, 203.0.113.7'), 1)).toBe('203.0.113.7');
    // two proxies: Cloudflare appended the client, APIM appended Cloudflare's edge
    expect(sourceAddress(req(['1.1.1.1, 203.0.113.7', '172.64.0.1']), 2)).toBe('203.0.113.7');
  });

  it('falls back to the leftmost address when the chain is shorter than the trusted hops', () => {
    expect(sourceAddress(req(undefined), 1)).toBe('10.0.0.9');
    expect(sourceAddress(req('203.0.113.7'), 3)).toBe('203.0.113.7');
  });
});
