import { SseParser } from './sse.parser';

describe('SSE parser', () => {
  it('dispatches events on a blank line with their type, id and joined data lines', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\nevent: created\ndata: {"seq":1}\n\n: a comment\nid: 2\nevent: progress\ndata: line one\ndata:line two\n\n')).toEqual([
      { id: '1', event: 'created', data: '{"seq":1}' },
      { id: '2', event: 'progress', data: 'line one\nline two' },
    ]);
    // No `event:` is a `message`; the last id carries over; an event with no data is not dispatched.
    expect(parser.push('data: x\n\nevent: empty\n\n')).toEqual([{ id: '2', event: 'message', data: 'x' }]);
  });

  it('assembles events split anywhere across chunks, with LF, CRLF or CR line ends', () => {
    const stream = 'id: 7\r\nevent: end\r\ndata: {"taskId":"t","status":"succeeded"}\r\n\r\nid: 8\revent: x\rdata: y\r\r';
    const whole = new SseParser().push(stream);
    expect(whole).toEqual([
      { id: '7', event: 'end', data: '{"taskId":"t","status":"succeeded"}' },
      { id: '8', event: 'x', data: 'y' },
    ]);
    for (let size = 1; size <= 7; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
  });

  it('keeps a field value as sent after the one optional space, and ignores unknown fields', () => {
    expect(new SseParser().push('data:  two spaces\nretry: 10\nfoo: bar\ndata\n\n')).toEqual([{ event: 'message', data: ' two spaces\n' }]);
  });
});
