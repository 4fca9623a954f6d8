/** A text literal inside an Excel formula: `"…"` with inner quotes doubled. */
export const formulaString = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * A SUMIF/COUNTIF criterion that matches `text` exactly: those functions read `* ? ~` as
 * wildcards and a leading `= < >` as a comparison, so each is escaped (`~`) or anchored (`=`).
 */
export const exactCriterion = (text: string) => formulaString(`=${text.replace(/[*?~]/g, '~$&')}`);
