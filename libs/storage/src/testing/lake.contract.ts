import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LakeError, type LakeErrorCode } from '../errors/lake.error';
import type { Lake, LakeObject } from '../lake/lake.port';

/** What a lake adapter's spec hands to the shared contract suite, fresh for each test. */
export interface LakeContractFixture {
  readonly lake: Lake;
  /** Replaces the stored bytes behind `key` without going through the lake (bit rot, tampering). */
  tamper(key: string, bytes: Buffer): Promise<void>;
  /** An opaque version of the stored object (inode and mtime, ETag): it changes if the object is rewritten. */
  revision(key: string): Promise<string>;
  /** Spool or staging files the adapter left behind; must be 0 once every put has settled. */
  leftovers(): Promise<number>;
  /** Strings that must never appear in a returned object or an error (root folder, account key, endpoint with key). */
  readonly secrets: readonly string[];
  dispose(): Promise<void>;
}

/**
 * The two heaviest cases (24 MiB with forced collections, eight racing 6 MiB writers) take seconds
 * alone but over a minute when CI's other workers and the chaos spec's processes share two cores.
 */
const slowUnderLoadMs = 180_000;
const MiB = 1024 * 1024;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    // A macrotask between chunks, so concurrent writers really interleave.
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield bytes.subarray(offset, offset + size);
  }
}

/** V8's collector, so memory can be sampled without garbage that merely has not been collected yet. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  // Buffer memory is otherwise released by a background sweeper after gc() returns, so a sample could
  // still count the last few hundred milliseconds of already-dead chunks (seen: up to 20 MiB).
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  return runInNewContext('gc') as () => void;
}

function liveBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * The behaviour every `Lake` adapter must share. Call it from an adapter's spec with a factory
 * that builds a fresh, empty lake per test.
 */
export function describeLakeContract(name: string, makeFixture: () => Promise<LakeContractFixture>): void {
  describe(`Lake contract: ${name}`, () => {
    let fixture: LakeContractFixture;
    let lake: Lake;

    beforeEach(async () => {
      fixture = await makeFixture();
      lake = fixture.lake;
    });

    afterEach(async () => {
      await fixture?.dispose();
    });

    function expectNoSecrets(text: string): void {
      for (const secret of fixture.secrets) expect(text).not.toContain(secret);
    }

    async function expectLakeError(action: Promise<unknown>, code: LakeErrorCode): Promise<LakeError> {
      const error = await action.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(LakeError);
      expect((error as LakeError).code).toBe(code);
      const cause = (error as LakeError).cause;
      expectNoSecrets(
        `${(error as LakeError).message}\n${(error as LakeError).stack ?? ''}\n${cause instanceof Error ? `${cause.message}\n${cause.stack ?? ''}` : ''}`,
      );
      return error as LakeError;
    }

    it('stores every kind of content under <area>/sha256/<xx>/<sha256> and reads it back unchanged', async () => {
      const backing = Buffer.from('padding|uint8array content|padding');
      const cases: Array<{ content: Parameters<Lake['put']>[1]; bytes: Buffer }> = [
        { content: 'claims,ndc\n1,00002-1433-80\n', bytes: Buffer.from('claims,ndc\n1,00002-1433-80\n') },
        { content: Buffer.from([0, 1, 2, 255]), bytes: Buffer.from([0, 1, 2, 255]) },
        { content: new Uint8Array(backing.buffer, backing.byteOffset + 8, 18), bytes: backing.subarray(8, 26) },
        { content: Readable.from([Buffer.from('from a '), Buffer.from('readable')]), bytes: Buffer.from('from a readable') },
        { content: chunked(Buffer.from('from an async iterable'), 5), bytes: Buffer.from('from an async iterable') },
        { content: '', bytes: Buffer.alloc(0) },
      ];
      for (const { content, bytes } of cases) {
        const hash = sha256(bytes);
        const object = await lake.put('bronze/claims', content);
        expect(object).toEqual({
          key: `bronze/claims/sha256/${hash.slice(0, 2)}/${hash}`,
          sha256: hash,
          size: bytes.length,
          contentType: 'application/octet-stream',
          metadata: {},
        });
        expect(await lake.stat(object.key)).toEqual(object);
        expect((await lake.read(object.key)).equals(bytes)).toBe(true);
        const streamed = Buffer.concat(await collect<Buffer>(await lake.open(object.key)));
        expect(streamed.equals(bytes)).toBe(true);
        expect(await lake.verify(object.key)).toEqual(object);
      }
    });

    it('keeps the content type and metadata given to the first put', async () => {
      const object = await lake.put('silver/guarantees', '{"a":1}', {
        contentType: 'application/json; charset=utf-8',
        metadata: { source: 'contract-packets', row_count: '1' },
      });
      expect(object.contentType).toBe('application/json; charset=utf-8');
      expect(object.metadata).toEqual({ source: 'contract-packets', row_count: '1' });
      expect(await lake.stat(object.key)).toEqual(object);
      expect(await collect(lake.list('silver/'))).toEqual([object]);
    });

    it('treats a second put of the same bytes as a no-op and never rewrites the object', async () => {
      const bytes = randomBytes(4096);
      const first = await lake.put('artifacts', bytes, { contentType: 'text/plain', metadata: { run: 'one' } });
      const revision = await fixture.revision(first.key);

      const again = await lake.put('artifacts', Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), {
        contentType: 'application/json',
        metadata: { run: 'two' },
      });

      expect(again).toEqual(first);
      expect(await fixture.revision(first.key)).toBe(revision);
      expect(await lake.stat(first.key)).toEqual(first);
      const other = await lake.put('artifacts', Buffer.concat([bytes, Buffer.from('!')]));
      expect(other.key).not.toBe(first.key);
      expect((await lake.read(first.key)).equals(bytes)).toBe(true);
      expect((await collect(lake.list('artifacts/'))).map((object) => object.key)).toEqual([first.key, other.key].sort());
    });

    it('makes nothing visible when the content stream fails part way', async () => {
      const failure = new Error('source went away');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(MiB);
        await new Promise<void>((resolve) => setImmediate(resolve));
        yield randomBytes(MiB);
        throw failure;
      }
      await expect(lake.put('bronze/extracts', failing())).rejects.toBe(failure);
      expect(await collect(lake.list(''))).toEqual([]);
      expect(await fixture.leftovers()).toBe(0);
    });

    it(
      'streams large content through without holding it in memory',
      async () => {
        const gc = exposeGc();
        const total = 24 * MiB;
        const chunk = 64 * 1024;
        const expected = createHash('sha256');
        gc();
        const baseline = liveBytes();
        let peak = 0;
        const sample = (): void => {
          gc();
          peak = Math.max(peak, liveBytes() - baseline);
        };
        async function* generated(): AsyncGenerator<Uint8Array> {
          for (let produced = 0; produced < total; produced += chunk) {
            const bytes = randomBytes(chunk);
            expected.update(bytes);
            if (produced % (8 * MiB) === 0) sample();
            yield bytes;
          }
        }
        // Also sample after the stream is consumed (uploading a spooled file must not load it whole either).
        // A full collection is slow in a big test process (a CI worker that already ran the PGlite
        // suites holds a large heap), hence the sparse sampling.
        const sampler = setInterval(sample, 2_000);
        let object: LakeObject;
        try {
          object = await lake.put('snapshots/large', generated(), { contentType: 'application/octet-stream' });
        } finally {
          clearInterval(sampler);
        }
        sample();
        const hash = expected.digest('hex');
        expect(object.sha256).toBe(hash);
        expect(object.size).toBe(total);
        // Holding the content would keep at least `total` bytes alive; spooling keeps a few buffers.
        expect(peak).toBeLessThan(total / 4);
        expect(await lake.verify(object.key)).toEqual(object);
        const reread = createHash('sha256');
        let size = 0;
        for await (const part of await lake.open(object.key)) {
          reread.update(part as Buffer);
          size += (part as Buffer).length;
        }
        expect({ size, sha256: reread.digest('hex') }).toEqual({ size: total, sha256: hash });
        expect(await fixture.leftovers()).toBe(0);
      },
      slowUnderLoadMs,
    );

    it('lists objects by string prefix in key order', async () => {
      const areas = ['a', 'a/b', 'a-b', 'ab', 'b'];
      const stored: LakeObject[] = [];
      for (const area of areas) {
        for (let index = 0; index < 3; index += 1) stored.push(await lake.put(area, `${area} #${index}`));
      }
      const keys = (objects: LakeObject[]): string[] => objects.map((object) => object.key);
      const sortedWith = (prefix: string): string[] =>
        keys(stored)
          .filter((key) => key.startsWith(prefix))
          .sort();

      const all = await collect(lake.list(''));
      expect(keys(all)).toEqual(sortedWith(''));
      expect(all).toHaveLength(15);
      for (const object of all) expect(object).toEqual(stored.find((candidate) => candidate.key === object.key));

      expect(keys(await collect(lake.list('a/')))).toEqual(sortedWith('a/'));
      expect(await collect(lake.list('a/'))).toHaveLength(6);
      expect(keys(await collect(lake.list('a/sha256/')))).toEqual(sortedWith('a/sha256/'));
      expect(await collect(lake.list('a/sha256/'))).toHaveLength(3);
      expect(keys(await collect(lake.list('a')))).toEqual(sortedWith('a'));
      expect(await collect(lake.list('a'))).toHaveLength(12);
      const one = stored[0] as LakeObject;
      expect(await collect(lake.list(one.key))).toEqual([one]);
      expect(await collect(lake.list('zz/'))).toEqual([]);
    });

    it('reports unknown keys as LAKE_NOT_FOUND', async () => {
      const hash = sha256(Buffer.from('never stored'));
      const key = `bronze/sha256/${hash.slice(0, 2)}/${hash}`;
      expect(await lake.stat(key)).toBeUndefined();
      await expectLakeError(lake.open(key), 'LAKE_NOT_FOUND');
      await expectLakeError(lake.read(key), 'LAKE_NOT_FOUND');
      await expectLakeError(lake.verify(key), 'LAKE_NOT_FOUND');
    });

    it('rejects malformed and traversing keys, areas and prefixes with LAKE_INVALID_KEY', async () => {
      const hash = sha256(Buffer.from('x'));
      const tail = `sha256/${hash.slice(0, 2)}/${hash}`;
      const badKeys = [
        '',
        `../${tail}`,
        `/etc/${tail}`,
        `bronze/../../etc/${tail}`,
        `bronze/%2e%2e/${tail}`,
        `bronze/%2E%2E/${tail}`,
        `bronze\\..\\${tail}`,
        `bronze/./${tail}`,
        `Bronze/${tail}`,
        `bronze//${tail}`,
        `bronze/sha256/${hash.slice(0, 2)}/${hash.toUpperCase()}`,
        `bronze/sha256/zz/${hash}`,
        `bronze/sha256/${hash.slice(0, 2)}/${hash}/extra`,
        `bronze/${tail}.meta.json`,
        tail,
        `bronze/.tmp/${tail}`,
      ];
      for (const key of badKeys) {
        await expectLakeError(lake.open(key), 'LAKE_INVALID_KEY');
        await expectLakeError(lake.read(key), 'LAKE_INVALID_KEY');
        await expectLakeError(lake.stat(key), 'LAKE_INVALID_KEY');
        await expectLakeError(lake.verify(key), 'LAKE_INVALID_KEY');
      }
      const badAreas = [
        '',
        '/bronze',
        'bronze/',
        '..',
        'bronze/..',
        '../outside',
        'a/./b',
        'Bronze',
        'bronze claims',
        '%2e%2e',
        'a//b',
        '.tmp',
        'a/sha256',
        'x'.repeat(300),
      ];
      for (const area of badAreas) await expectLakeError(lake.put(area, 'content'), 'LAKE_INVALID_KEY');
      for (const prefix of ['/', '../', 'a//', '%2e%2e/', 'a/../', '.tmp/']) {
        await expectLakeError(collect(lake.list(prefix)), 'LAKE_INVALID_KEY');
      }
      expect(await collect(lake.list(''))).toEqual([]);
    });

    it('rejects unusable content and put options with LAKE_INVALID_INPUT, storing nothing', async () => {
      await expectLakeError(lake.put('bronze', 42 as unknown as string), 'LAKE_INVALID_INPUT');
      await expectLakeError(lake.put('bronze', Readable.from([{ not: 'bytes' }])), 'LAKE_INVALID_INPUT');
      await expectLakeError(lake.put('bronze', 'x', { contentType: 'not a media type' }), 'LAKE_INVALID_INPUT');
      await expectLakeError(lake.put('bronze', 'x', { metadata: { 'Bad-Key': 'v' } }), 'LAKE_INVALID_INPUT');
      await expectLakeError(lake.put('bronze', 'x', { metadata: { sha256: 'forged' } }), 'LAKE_INVALID_INPUT');
      await expectLakeError(lake.put('bronze', 'x', { metadata: { note: 'line\nbreak' } }), 'LAKE_INVALID_INPUT');
      expect(await collect(lake.list(''))).toEqual([]);
      expect(await fixture.leftovers()).toBe(0);
    });

    it('detects an object whose stored bytes were changed behind its back', async () => {
      const original = Buffer.from('guaranteed AWP discount 18.5%');
      const object = await lake.put('silver/guarantees', original, { contentType: 'text/plain' });
      const tampered = Buffer.from(original);
      tampered[tampered.length - 2] = 0x39; // 18.5% -> 18.9%
      await fixture.tamper(object.key, tampered);

      await expectLakeError(lake.verify(object.key), 'LAKE_INTEGRITY');
      await expectLakeError(lake.read(object.key), 'LAKE_INTEGRITY');
      const stream = await lake.open(object.key);
      await expectLakeError(collect(stream), 'LAKE_INTEGRITY');

      await fixture.tamper(object.key, Buffer.from('short'));
      await expectLakeError(lake.put('silver/guarantees', original), 'LAKE_INTEGRITY');
    });

    it(
      'lets concurrent puts of the same content all succeed with one stored object',
      async () => {
        const bytes = randomBytes(6 * MiB);
        const hash = sha256(bytes);
        const writers = [
          ...[64 * 1024, 256 * 1024, MiB, 1000 * 1000].map((size) => () => lake.put('bronze/race', chunked(bytes, size))),
          ...[0, 1, 2, 3].map(() => () => lake.put('bronze/race', bytes)),
        ];
        const results = await Promise.all(writers.map((write) => write()));
        for (const result of results) {
          expect(result).toEqual({
            key: `bronze/race/sha256/${hash.slice(0, 2)}/${hash}`,
            sha256: hash,
            size: bytes.length,
            contentType: 'application/octet-stream',
            metadata: {},
          });
        }
        const listed = await collect(lake.list('bronze/race/'));
        expect(listed).toEqual([results[0]]);
        expect(await lake.verify(results[0].key)).toEqual(results[0]);
        expect(await fixture.leftovers()).toBe(0);
      },
      slowUnderLoadMs,
    );

    it('never puts a storage location or secret into returned objects', async () => {
      const object = await lake.put('artifacts/workbooks', 'workbook bytes', { metadata: { client: 'acme' } });
      const seen = JSON.stringify([object, await lake.stat(object.key), await collect(lake.list('')), await lake.verify(object.key)]);
      expectNoSecrets(seen);
      expect(fixture.secrets.length).toBeGreaterThan(0);
    });
  });
}
