import { toUnits } from '@leaf/contracts';

const groupThousands = (digits: string) =>
  digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `-1234567.8` → `-$1,234,567.80`, straight from the decimal string: what is printed is what was computed. */
export function formatMoney(money: string): string {
  const negative = money.startsWith('-');
  const [whole = '0', fraction = ''] = (
    negative ? money.slice(1) : money
  ).split('.');
  return `${negative ? '-' : ''}$${groupThousands(whole)}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

export function formatCount(count: number): string {
  return groupThousands(String(count));
}

/** A fraction as a percentage with two places, rounded half away from zero in exact decimals. */
export function formatPercent(rate: string): string {
  const units = toUnits(rate, 6); // 1.0 = 1_000_000; 0.01% = 100
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const hundredths = (magnitude + 50n) / 100n;
  const whole = hundredths / 100n;
  const fraction = (hundredths % 100n).toString().padStart(2, '0');
  return `${negative && hundredths > 0n ? '-' : ''}${whole}.${fraction}%`;
}

/** Guaranteed and effective values: a discount is a percentage, a fee or rebate term is dollars. */
export function formatTerm(metric: string, value: string | null): string {
  if (value === null) return 'n/a';
  if (metric === 'awp_discount') return formatPercent(value);
  return formatMoney(value.includes('.') ? value : `${value}.00`);
}
