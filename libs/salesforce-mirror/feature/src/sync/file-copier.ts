import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { MirrorWriterRepository, SalesforceSource } from '@leaf/salesforce-mirror/data-access';
import type { Lake } from '@leaf/storage';
import { eachLimit } from './each-limit';

export const FILES_AREA = 'salesforce-files';

/**
 * Copies file versions into the lake, four at a time, streamed (never whole in memory), content-addressed by
 * sha256. The bytes are checked against the version's MD5 `Checksum` on the way; a mismatch is
 * not recorded (the next sync tries again) and counted.
 */
export async function copyFiles(source: SalesforceSource, lake: Lake, writer: MirrorWriterRepository): Promise<{ copied: number; checksumMismatches: number }> {
  let copied = 0;
  let checksumMismatches = 0;
  await eachLimit(await writer.filesWithoutContent(), 4, async (f) => {
    const md5 = createHash('md5');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        md5.update(chunk);
        done(null, chunk);
      },
    });
    const body = await source.versionData(f.contentVersionId);
    body.on('error', (e) => tap.destroy(e));
    const stored = await lake.put(FILES_AREA, body.pipe(tap), { metadata: { contentversion: f.contentVersionId } });
    if (f.checksumMd5 && md5.digest('hex') !== f.checksumMd5.toLowerCase()) {
      checksumMismatches++;
      return;
    }
    await writer.setFileContent(f.contentVersionId, stored.sha256, stored.key);
    copied++;
  });
  return { copied, checksumMismatches };
}
