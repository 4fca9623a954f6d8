import type { stream } from 'exceljs';
import type { ReconciliationReport } from '@leaf/claims-runtime/domain';
import { methodologySections } from '../methodology';
import { sectionFont, wrapAlignment } from './finance-formats';
import { landscapeSheet, writeHeader } from './sheet-helpers';

/** How the figures were made: the PDF's methodology page, section by section, one paragraph a row. */
export function writeMethodologySheet(workbook: stream.xlsx.WorkbookWriter, report: ReconciliationReport): void {
  const sheet = landscapeSheet(workbook, 'Methodology', report);
  writeHeader(sheet, [
    { header: 'Section', width: 30 },
    { header: 'Method', width: 130 },
  ]);
  for (const section of methodologySections(report)) {
    section.paragraphs.forEach((paragraph, index) => {
      const row = sheet.addRow([index === 0 ? section.title : null, paragraph]);
      row.getCell(1).font = sectionFont;
      row.getCell(1).alignment = wrapAlignment;
      row.getCell(2).alignment = wrapAlignment;
      // Streaming rows cannot be auto-fitted by the reader's viewer on open: size them for the text.
      row.height = 15 * Math.max(1, Math.ceil(paragraph.length / 150));
      row.commit();
    });
  }
  sheet.commit();
}
