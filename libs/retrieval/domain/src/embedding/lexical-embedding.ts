import type { EmbeddingFunction } from './embedding-function';

/**
 * A deterministic LEXICAL embedding: hashed character n-grams (3- and 4-grams of every word with
 * boundary marks, plus the word itself), log-scaled counts, signed feature hashing (FNV-1a) into
 * `dimensions` buckets, L2-normalised. It captures spelling overlap ("discount" ~ "discounts",
 * "specialty" ~ "speciality"), not meaning: it lets the vector branch, its HNSW index and the
 * fusion run for real where no embedding model is reachable. It is not a semantic model and the
 * results are not those of Azure OpenAI; it has the same interface so either can be configured.
 */
export class LexicalEmbedding implements EmbeddingFunction {
  readonly name: string;

  constructor(readonly dimensions = 256) {
    if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 4096)
      throw new RangeError(`embedding dimensions must be an integer in 8..4096, got ${dimensions}`);
    this.name = `lexical-ngram-fnv1a-${dimensions}`;
  }

  embed(texts: readonly string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }

  embedOne(text: string): number[] {
    const counts = new Map<number, number>();
    for (const word of words(text)) {
      features(word, (feature, weight) => {
        const h = fnv1a(feature);
        const bucket = h % this.dimensions;
        // The sign bit decorrelates collisions (signed feature hashing).
        const signed = (h >>> 31) & 1 ? -weight : weight;
        counts.set(bucket, (counts.get(bucket) ?? 0) + signed);
      });
    }
    const v = new Array<number>(this.dimensions).fill(0);
    let norm = 0;
    for (const [bucket, c] of counts) {
      const x = Math.sign(c) * Math.log1p(Math.abs(c));
      v[bucket] = x;
      norm += x * x;
    }
    if (norm === 0) return v;
    const inv = 1 / Math.sqrt(norm);
    // Rounded so the same text gives the same bytes on every platform and in every store.
    return v.map((x) => Math.round(x * inv * 1e6) / 1e6);
  }
}

const stop = new Set(['the', 'and', 'for', 'of', 'a', 'an', 'to', 'in', 'on', 'at', 'by', 'or', 'is', 'are', 'be', 'with']);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !stop.has(w));
}

function features(word: string, emit: (feature: string, weight: number) => void): void {
  emit(`w:${word}`, 1);
  const marked = `^${word}$`;
  for (const n of [3, 4]) {
    for (let i = 0; i + n <= marked.length; i++) emit(`${n}:${marked.slice(i, i + n)}`, 0.5);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
