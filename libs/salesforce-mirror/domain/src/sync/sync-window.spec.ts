import { mirroredObject, selectFields } from '../objects/mirrored-objects';
import { advanceWatermark, chunk, deletesWindowLost, incrementalStart } from './sync-window';

describe('sync windows', () => {
  it('reads from the watermark minus the overlap', () => {
    expect(incrementalStart(new Date('2026-12-01T10:00:00Z'), 5 * 60_000).toISOString()).toBe('2026-12-01T09:55:00.000Z');
  });

  it('knows when getDeleted can no longer answer', () => {
    const now = new Date('2026-12-20T00:00:00Z');
    expect(deletesWindowLost(new Date('2026-12-19T00:00:00Z'), new Date('2026-12-05T00:00:00Z'), now, 15 * 86_400_000)).toBe(false);
    expect(deletesWindowLost(new Date('2026-12-01T00:00:00Z'), new Date('2026-12-05T00:00:00Z'), now, 15 * 86_400_000)).toBe(true);
    expect(deletesWindowLost(new Date('2026-12-01T00:00:00Z'), null, now, 15 * 86_400_000)).toBe(true);
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
