/**
 * Privacy-preserving record linkage: keyed Bloom-filter (CLK) encodings of people and their
 * matching. Library entry point for the CLI (`hamrah pprl`) and for registry export.
 */
export { ClkEncoder, encodePeople, filterFromBase64, filterToBase64, secretBytes, CLK_BITS, CLK_BYTES, CLK_WORDS, DEFAULT_K, SCHEME } from './encode';
export type { EncodeOptions, Encodings, FieldK } from './encode';
export { dice, matchEncodings, popcount32, popcounts } from './match';
export type { MatchOptions, PprlLink, PprlMatchStats } from './match';
export { readEncodings, writeEncodings } from './files';
