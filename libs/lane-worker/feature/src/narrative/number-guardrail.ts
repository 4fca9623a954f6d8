import type { Figure } from './narrative-figures';

// A number standing on its own: not the digits inside an identifier such as rec_1a2b or py2025.
const numberToken = /(?<![\w.-])-?\$?\d[\d,]*(?:\.\d+)?%?/g;

const canonical = (token: string): string => {
  const percent = token.endsWith('%');
  const digits = token.replace(/[$,%]/g, '');
  return `${percent ? '%' : ''}${Number(digits)}`;
};

export interface GuardrailVerdict {
  ok: boolean;
  /** Numbers in the draft that match no computed figure. */
  unmatched: string[];
}

/** Every number in a model's draft must be one of the computed figures, as written or in plain form. */
export function checkNumbers(draft: string, figures: readonly Figure[]): GuardrailVerdict {
  const allowed = new Set(figures.map((f) => canonical(f.text)));
  const unmatched = [...draft.matchAll(numberToken)].map((m) => m[0]).filter((t) => !allowed.has(canonical(t)));
  return { ok: unmatched.length === 0, unmatched: [...new Set(unmatched)] };
}
