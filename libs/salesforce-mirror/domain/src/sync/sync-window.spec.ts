import { mirroredObject, selectFields } from '../objects/mirrored-objects';
import { advanceWatermark, chunk, deletesWindow, incrementalStart } from './sync-window';

describe('sync windows', () => {
  it('reads from the watermark minus the overlap', () => {
    expect(incrementalStart(new Date('2026-12-01T10:00:00Z'), 5 * 60_000).toISOString()).toBe('2026-12-01T09:55:00.000Z');
  });

  it('clamps the getDeleted window into what the org answers, or says it is lost', () => {
    const now = new Date('2026-12-20T12:00:00Z');
    const days = (n: number) => n * 86_400_000;
    const at = (iso: string) => new Date(iso);
    // The usual case: from the last check minus the overlap, to now.
    expect(deletesWindow(at('2026-12-20T10:00:00Z'), now, 5 * 60_000, days(15))).toEqual({ start: at('2026-12-20T09:55:00Z'), end: now });
    // The overlap would reach before the horizon: clamped to it, not refused and not a resync.
    expect(deletesWindow(at('2026-12-05T12:02:00Z'), now, 5 * 60_000, days(15))).toEqual({ start: at('2026-12-05T12:00:00Z'), end: now });
    // The last check itself is older than the org keeps deletes: lost.
    expect(deletesWindow(at('2026-12-05T11:59:59Z'), now, 0, days(15))).toBe('lost');
    // A minute or less (no overlap, a sync right after another): widened to more than a minute.
    // The horizon is a whole second (getDeleted drops milliseconds; rounding down would ask before it).
    expect(deletesWindow(at('2026-12-05T12:00:05Z'), new Date('2026-12-20T12:00:00.400Z'), 60_000, days(15))).toEqual({
      start: at('2026-12-05T12:00:01Z'),
      end: new Date('2026-12-20T12:00:00.400Z'),
    });
    const short = deletesWindow(at('2026-12-20T11:59:30Z'), now, 0, days(15));
    expect(short).toEqual({ start: at('2026-12-20T11:58:59Z'), end: now });
    expect(deletesWindow(now, now, 60_000, days(15))).toEqual({ start: at('2026-12-20T11:58:59Z'), end: now });
  });

  it('advances the watermark to the newest stamp in either notation', () => {
    const w = advanceWatermark(new Date('2026-12-01T00:00:00Z'), ['2026-12-02T10:00:00.000+0000', null, '2026-11-30T00:00:00Z']);
    expect(w?.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(advanceWatermark(null, [])).toBeNull();
  });

  it('chunks id lists', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('selects every described field, a new custom one included, but never a blob', () => {
    const fields = selectFields(mirroredObject('IT_Request__c'), [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Client__c', type: 'string' },
      { name: 'SystemModstamp', type: 'datetime' },
      { name: 'CreatedDate', type: 'datetime' },
      { name: 'Cost_Center__c', type: 'string' },
      { name: 'Photo__c', type: 'base64' },
    ]);
    expect(fields).toContain('Cost_Center__c');
    expect(fields).not.toContain('Photo__c');
  });
});
