import { ProgressReporter, type CliIo } from './progress.reporter';

function capture(errIsTty: boolean): CliIo & { text: () => string } {
  let err = '';
  return {
    out: () => undefined,
    err: (t) => (err += t),
    errIsTty,
    text: () => err,
  };
}

describe('progress reporter', () => {
  it('prints a plain line per change of percentage or stage when stderr is not a terminal', () => {
    const io = capture(false);
    const progress = new ProgressReporter(io, 'rec_1', () => 0);
    progress.update(0, 'queued');
    progress.update(0.001, 'queued');
    progress.update(0.25, 'running aggregates');
    progress.update(0.25, 'running aggregates');
    progress.line('a note');
    progress.update(1, 'succeeded');
    progress.done();
    expect(io.text()).toBe('rec_1   0% queued\nrec_1  25% running aggregates\na note\nrec_1 100% succeeded\n');
    expect(io.text()).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, prints lines above it, and ends on a fresh line', () => {
    const io = capture(true);
    let now = 0;
    const progress = new ProgressReporter(io, 'tsk_1', () => now);
    progress.update(0.5, 'running');
    now = 12_000;
    progress.line('#3 started');
    progress.update(1, 'done');
    progress.done();
    const bar = (pct: string, hashes: number, stage: string, time: string) =>
      `\r\x1b[2Ktsk_1 [${'#'.repeat(hashes)}${'.'.repeat(30 - hashes)}] ${pct} ${stage} ${time}`;
    expect(io.text()).toBe(`${bar(' 50%', 15, 'running', '0s')}\r\x1b[2K#3 started\n${bar(' 50%', 15, 'running', '12s')}${bar('100%', 30, 'done', '12s')}\n`);
  });
});
