import type { ExtractedDocument, PacketFormat } from '@leaf/contract-packets/domain';
import { extractDocx } from './docx.extractor';
import { extractPdf } from './pdf.extractor';
import { extractXlsx } from './xlsx.extractor';

/** Text with locators from a packet's bytes; fails only with an ExtractionError. */
export function extractDocument(format: PacketFormat, bytes: Uint8Array): Promise<ExtractedDocument> {
  switch (format) {
    case 'pdf':
      return extractPdf(bytes);
    case 'xlsx':
      return extractXlsx(bytes);
    case 'docx':
      return extractDocx(bytes);
  }
}
