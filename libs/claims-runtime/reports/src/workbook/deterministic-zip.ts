import type { stream } from 'exceljs';

type EntryData = Record<string, unknown> & { date?: Date | null };
type ModuleAppend = (source: unknown, data: EntryData, callback: (error?: Error) => void) => void;
interface ArchiverInternals {
  _moduleAppend?: ModuleAppend;
}

/**
 * exceljs's streaming writer zips through archiver, which stamps every entry with `new Date()`
 * and offers no option for it. Archiver hands each queued entry to its zip module later (on its
 * queue, after the constructor has queued the theme and rels), so wrapping that hand-off on this
 * instance pins every entry's time — including the ones queued in exceljs's constructor.
 * zip-stream writes the DOS time in UTC, so the bytes do not depend on the machine's time zone.
 * The workbook spec proves it by hashing two writes made more than the 2 s DOS resolution apart.
 */
export function pinZipEntryDates(writer: stream.xlsx.WorkbookWriter, date: Date): void {
  const zip = (writer as unknown as { zip?: ArchiverInternals }).zip;
  const moduleAppend = zip?._moduleAppend;
  if (!zip || typeof moduleAppend !== 'function') {
    throw new Error('exceljs WorkbookWriter no longer exposes its archiver: zip entry dates cannot be pinned');
  }
  zip._moduleAppend = (source, data, callback) => moduleAppend.call(zip, source, { ...data, date }, callback);
}
