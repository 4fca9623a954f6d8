import { defineSuite, ratioOf, type BenchSuite } from './bench-case';
import { runBenchCli } from './bench.cli';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
}

/** A suite with known figures: a throughput where we lead 2:1 and a time where we trail 1:2. */
function fakeSuite(events: string[], fail = false): BenchSuite {
  return defineSuite<{ claims: number }>({
    name: 'fake',
    description: 'known figures',
    async setup({ claims = 10 }) {
      events.push(`setup ${claims}`);
      return { claims };
    },
    async teardown() {
      events.push('teardown');
    },
    cases: [
      {
        name: 'rows',
        unit: 'rows/s',
        kind: 'throughput',
        async measure({ claims }) {
          if (fail) throw new Error('database went away');
          return { value: claims * 2, reference: { name: 'ref-tool', value: claims } };
        },
      },
      { name: 'latency', unit: 'ms', kind: 'time', measure: async () => ({ value: 40, reference: { name: 'ref-tool', value: 20 } }) },
    ],
  });
}

describe('bench harness', () => {
  it('puts the ratio above 1 when we are ahead, for throughputs and for times', () => {
    expect(ratioOf('throughput', 200, 100)).toBe(2);
    expect(ratioOf('throughput', 50, 100)).toBe(0.5);
    expect(ratioOf('time', 50, 100)).toBe(2);
    expect(ratioOf('time', 200, 100)).toBe(0.5);
  });

  it('prints exactly one JSON object on stdout with --json, progress on stderr', async () => {
    const events: string[] = [];
    const { out, io } = capture();
    const status = await runBenchCli(['fake', '--json', '--claims', '500'], { fake: fakeSuite(events) }, io);

    expect(status).toBe(0);
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out.stdout)).toEqual({
      suite: 'fake',
      cases: [
        { name: 'rows', value: 1000, unit: 'rows/s', reference: { name: 'ref-tool', value: 500 }, ratio: 2 },
        { name: 'latency', value: 40, unit: 'ms', reference: { name: 'ref-tool', value: 20 }, ratio: 0.5 },
      ],
    });
    expect(out.stderr).toContain('fake/rows');
    expect(events).toEqual(['setup 500', 'teardown']);
  });

  it('prints a readable table without --json', async () => {
    const { out, io } = capture();
    expect(await runBenchCli(['fake'], { fake: fakeSuite([]) }, io)).toBe(0);
    expect(out.stdout).toMatch(/^rows\s+20 rows\/s\s+10 rows\/s \(ref-tool\)\s+2\.00x$/m);
    expect(out.stdout).toMatch(/^latency\s+40 ms\s+20 ms \(ref-tool\)\s+0\.50x$/m);
  });

  it('rejects an unknown suite or bad flags with status 2, listing the suites', async () => {
    for (const argv of [['nope'], [], ['fake', '--claims', 'many'], ['fake', '--verbose']]) {
      const { out, io } = capture();
      expect(await runBenchCli(argv, { fake: fakeSuite([]) }, io)).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain('fake ');
    }
    const { out, io } = capture();
    await runBenchCli(['nope'], { fake: fakeSuite([]) }, io);
    expect(out.stderr).toMatch(/unknown suite 'nope'; suites: fake/);
  });

  it('reports a failing suite with status 1 and still tears it down', async () => {
    const events: string[] = [];
    const { out, io } = capture();
    expect(await runBenchCli(['fake', '--json'], { fake: fakeSuite(events, true) }, io)).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('database went away');
    expect(events).toEqual(['setup 10', 'teardown']);
  });
});
