/** Value lists of deduplication runs and reviews, shared by the tables, the contract and the web app (no database imports). */
/** `import`: not an engine run but the possible duplicates a household import flagged before its commit. */
export const RUN_TRIGGERS = ['manual', 'nightly', 'demo', 'import'] as const;
/** Where a queue pair comes from: a whole-registry run, or a household import's check. */
export const PAIR_SOURCES = ['run', 'import'] as const;
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
/** The engine's outcome for a stored pair (distinct pairs are not stored). */
export const PAIR_DECISIONS = ['match', 'review'] as const;
/** What a person decided. */
export const HUMAN_DECISIONS = ['duplicate', 'distinct'] as const;
