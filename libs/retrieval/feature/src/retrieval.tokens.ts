/** The embedding function (lexical locally, Azure OpenAI in production). */
export const EMBEDDING = Symbol.for('leaf.retrieval.Embedding');
/** Hits each branch contributes before fusion (LEAF_SEARCH_BRANCH_DEPTH). */
export const BRANCH_DEPTH = Symbol.for('leaf.retrieval.BranchDepth');
