/**
 * Turns texts into vectors of one fixed dimension. Azure OpenAI in production; locally the
 * lexical hashed n-gram function. Indexing and querying must use the same function: `name` and
 * `dimensions` are recorded with the index so a mismatch is found, not silently mixed.
 */
export interface EmbeddingFunction {
  readonly name: string;
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<number[][]>;
}
