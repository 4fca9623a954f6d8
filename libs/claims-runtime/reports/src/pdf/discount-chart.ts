import type PDFDocument from 'pdfkit';
import { toUnits, type ReconciliationBucket } from '@leaf/contracts';
import { formatTermAt } from './display-format';
import { sizeToFit } from './pdf-table';
import { colours, contentWidth, fonts, page } from './pdf-style';

type Doc = InstanceType<typeof PDFDocument>;

const plot = { left: 44, right: 8, top: 32, bottom: 30 };

/** The chart's box and its plotting area (axes, bars) when its top is at `y`, in page points. */
export function discountChartAt(y: number) {
  const box = { x: page.margin, y, width: contentWidth, height: 188 };
  return {
    box,
    plot: {
      left: box.x + plot.left,
      right: box.x + box.width - plot.right,
      top: box.y + plot.top,
      bottom: box.y + box.height - plot.bottom,
    },
  };
}

/**
 * Where the chart sits on page 1 under a title block of usual length, in PDF points from the top
 * left; the PDF spec looks for the bars here. A long client name pushes it down.
 */
export const discountChartBox = discountChartAt(336).box;
export const discountChartPlot = discountChartAt(336).plot;
const gridSteps = 5;

const fraction = (rate: string) => Number(toUnits(rate, 6)) / 1_000_000;

/** The top of the axis: the next 20% step above the largest value, at most 100%. */
function axisMax(buckets: readonly ReconciliationBucket[]): number {
  const largest = Math.max(0.2, ...buckets.flatMap((b) => [fraction(b.guaranteedValue), b.effectiveValue === null ? 0 : fraction(b.effectiveValue)]));
  return Math.min(1, Math.ceil(largest / 0.2) * 0.2);
}

const bucketLabel = (b: ReconciliationBucket) => [b.channel ?? 'all channels', b.drugType ?? 'all drugs'];

/**
 * Grouped bars of guaranteed vs effective AWP discount per bucket, drawn with vector primitives:
 * y axis with percentage gridlines, one pair of bars per bucket with its value, legend on top.
 */
export function drawDiscountChart(doc: Doc, buckets: readonly ReconciliationBucket[], y: number = discountChartBox.y): number {
  const { box, plot: area } = discountChartAt(y);
  const discountBuckets = buckets.filter((b) => b.metric === 'awp_discount');
  const { left, right, top, bottom } = area;
  const height = bottom - top;
  const max = axisMax(discountBuckets);
  const yOf = (value: number) => bottom - (Math.max(0, Math.min(value, max)) / max) * height;

  doc.font(fonts.bold).fontSize(11).fillColor(colours.ink).text('Guaranteed vs effective AWP discount by bucket', box.x, box.y, {
    lineBreak: false,
  });
  drawLegend(doc, right, box.y + 2);

  doc.font(fonts.regular).fontSize(7).fillColor(colours.muted);
  for (let step = 0; step <= gridSteps; step++) {
    const value = (max * step) / gridSteps;
    const y = yOf(value);
    doc.moveTo(left, y).lineTo(right, y).lineWidth(0.4).strokeColor(colours.rule).stroke();
    doc.fillColor(colours.muted).text(`${Math.round(value * 100)}%`, box.x, y - 3, {
      width: plot.left - 6,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.moveTo(left, top).lineTo(left, bottom).lineTo(right, bottom).lineWidth(0.8).strokeColor(colours.ink).stroke();

  if (discountBuckets.length === 0) {
    doc
      .font(fonts.regular)
      .fontSize(9)
      .fillColor(colours.muted)
      .text('No AWP discount guarantees in this period.', left, top + height / 2, { width: right - left, align: 'center' });
    return box.y + box.height;
  }
  const group = (right - left) / discountBuckets.length;
  const bar = Math.min(22, group * 0.34);
  discountBuckets.forEach((bucket, index) => {
    const centre = left + group * index + group / 2;
    drawBar(
      doc,
      centre - bar - 1,
      bar,
      yOf(fraction(bucket.guaranteedValue)),
      bottom,
      colours.guaranteed,
      formatTermAt('awp_discount', bucket.guaranteedValue),
    );
    if (bucket.effectiveValue === null) {
      doc
        .font(fonts.regular)
        .fontSize(6)
        .fillColor(colours.muted)
        .text('n/a', centre + 1, bottom - 9, {
          width: bar,
          align: 'center',
          lineBreak: false,
        });
    } else {
      drawBar(
        doc,
        centre + 1,
        bar,
        yOf(fraction(bucket.effectiveValue)),
        bottom,
        colours.effective,
        formatTermAt('awp_discount', bucket.effectiveValue, bucket.guaranteedValue),
      );
    }
    const [channel, drug] = bucketLabel(bucket);
    // A label wider than its bar group gets smaller type, never an ellipsis.
    const label = (text: string, font: string, colour: string, at: number) =>
      doc
        .font(font)
        .fontSize(sizeToFit(doc, text, font, 7, group - 2, 4) ?? 4)
        .fillColor(colour)
        .text(text, centre - group / 2, at, {
          width: group,
          align: 'center',
          lineBreak: false,
        });
    label(channel ?? '', fonts.bold, colours.ink, bottom + 5);
    label(drug ?? '', fonts.regular, colours.muted, bottom + 14);
  });
  return box.y + box.height;
}

function drawBar(doc: Doc, x: number, width: number, y: number, bottom: number, colour: string, label: string): void {
  doc.rect(x, y, width, Math.max(0.5, bottom - y)).fill(colour);
  doc
    .font(fonts.regular)
    .fontSize(sizeToFit(doc, label, fonts.regular, 5.5, width + 8, 4) ?? 4)
    .fillColor(colours.ink)
    .text(label, x - 4, y - 8, {
      width: width + 8,
      align: 'center',
      lineBreak: false,
    });
}

function drawLegend(doc: Doc, right: number, y: number): void {
  const entries = [
    { label: 'Guaranteed', colour: colours.guaranteed },
    { label: 'Effective', colour: colours.effective },
  ];
  doc.font(fonts.regular).fontSize(8);
  let x = right - entries.reduce((sum, e) => sum + 16 + doc.widthOfString(e.label) + 12, 0);
  for (const entry of entries) {
    doc.rect(x, y, 10, 8).fill(entry.colour);
    doc.fillColor(colours.ink).text(entry.label, x + 14, y, { lineBreak: false });
    x += 16 + doc.widthOfString(entry.label) + 12;
  }
}
