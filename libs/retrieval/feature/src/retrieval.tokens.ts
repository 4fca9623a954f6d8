/** The embedding function (lexical locally, Azure OpenAI in production). */
export const EMBEDDING = Symbol.for('leaf.retrieval.Embedding');
export const SERVICE_LOGGER = Symbol.for('leaf.retrieval.Logger');
/** Hits each branch contributes before fusion (LEAF_SEARCH_BRANCH_DEPTH). */
export const BRANCH_DEPTH = Symbol.for('leaf.retrieval.BranchDepth');
