/** The media types the API serves the rendered report with. */
export const workbookContentType =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const pdfContentType = 'application/pdf';
