import mammoth from 'mammoth';
import type { ExtractedDocument } from '@leaf/contract-packets/domain';
import { ExtractionError } from './extraction.error';
import { isOleContainer } from './xlsx.extractor';

/** A document's paragraphs as lines cited `para<N>` (rate rows in Word are tab-separated paragraphs). */
export async function extractDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  if (isOleContainer(bytes)) throw new ExtractionError('encrypted', 'the document is encrypted (or a legacy binary document)');
  let text: string;
  try {
    ({ value: text } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) }));
  } catch (e) {
    throw new ExtractionError('unreadable', 'the document cannot be read', { cause: e });
  }
  const paragraphs = text.split(/\n+/).filter((p) => p.trim() !== '');
  return {
    format: 'docx',
    units: [{ kind: 'body', locator: 'body', lines: paragraphs.map((p, i) => ({ locator: `para${i + 1}`, cells: [{ locator: `para${i + 1}`, text: p }] })) }],
  };
}
