/**
 * Privacy-preserving record linkage (issue 4, part 6): encoding people as keyed Bloom filters.
 *
 * Each record becomes one 1,024-bit cryptographic long-term key (CLK, a record-level Bloom
 * filter). Fields are first normalised by the matching engine (Arabic-script folding,
 * transliteration, the name-variant dictionary, Solar Hijri and age → birth year), so the same
 * person written "Muhammad" in Peshawar and "محمد" in Herat yields the same name key. Then every
 * feature of the record is inserted into the filter:
 *
 *   given and family name (one field, so that a swapped pair encodes alike) and father's name:
 *     bigrams of the name key ("_m","mo",…,"d_") and, with fewer hash functions, bigrams of its
 *     consonant skeleton (robust to vowel spelling);
 *   birth: the year and the two years either side (so years one apart share four of five
 *     features, two apart three: ages are estimates), and month-day when the date is exact;
 *   sex; location P-code.
 *
 * A feature sets k bits (k per field: the field's weight). The positions come from
 * HMAC-SHA256(fieldKey, feature), where fieldKey = HMAC-SHA256(secret, "hamrah-pprl/v1/" + field):
 * a different key per field (so "ahmad" as a given name and as a father's name set unrelated
 * bits), and nobody without the secret can compute the positions of a guessed name. Each digest
 * gives sixteen 16-bit words; each word mod 1,024 is one position (unbiased: 1,024 divides
 * 65,536), more digests (with a counter) when k > 16. Independent positions, not the
 * double-hashing h1 + i·h2 scheme whose structure published attacks exploit.
 *
 * Hardening: after the features are in, every bit is flipped with probability `flip` (default
 * 1 %, BLIP randomised response) from a cryptographic random source, so two encodings of the
 * same record differ and no bit is certain. See docs/ARCHITECTURE.md, "Privacy-preserving
 * linkage", for the threat model and what this does not protect against.
 */
import { createHmac, randomFillSync } from 'node:crypto';
import { newTables, prepare, type PersonRecord } from '../engine/prepare';
import { defaultVariantDictionary, type VariantDictionary } from '../engine/normalise';

export const CLK_BITS = 1024;
export const CLK_WORDS = CLK_BITS / 32;
export const CLK_BYTES = CLK_BITS / 8;
export const SCHEME = 'hamrah-clk-v1';

/** Hash functions (bits set) per feature, by field. */
export interface FieldK {
  /** Given and family name, in one field: a swapped given/family name encodes the same. */
  name: number;
  nameSkel: number;
  father: number;
  fatherSkel: number;
  year: number;
  monthDay: number;
  sex: number;
  location: number;
}

export const DEFAULT_K: FieldK = {
  name: 14,
  nameSkel: 6,
  father: 7,
  fatherSkel: 3,
  year: 8,
  monthDay: 6,
  sex: 6,
  location: 8,
};

export interface EncodeOptions {
  /** The secret shared by the linking parties (at least 16 bytes). */
  secret: string | Uint8Array;
  k?: Partial<FieldK>;
  /** Probability that each bit is flipped after encoding (default 0.01; 0 for none). */
  flip?: number;
  /** Year that stated ages refer to (default: this year). */
  referenceYear?: number;
  dictionary?: VariantDictionary;
  /** Deterministic flips for tests: a seed instead of the cryptographic random source. */
  flipSeed?: number;
}

export interface Encodings {
  ids: string[];
  /** CLK_WORDS words per record. */
  bits: Uint32Array;
}

type Field = keyof FieldK;

export function secretBytes(secret: string | Uint8Array): Buffer {
  const b = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (b.length < 16) throw new Error('the PPRL secret must be at least 16 bytes (use a long random value shared with the partner only)');
  return b;
}

/** A reusable encoder: field keys derived once, feature positions cached. */
export class ClkEncoder {
  private readonly keys = new Map<Field, Buffer>();
  private readonly cache = new Map<string, Uint16Array>();
  readonly k: FieldK;
  readonly flip: number;
  private rnd: () => number;

  constructor(private readonly opts: EncodeOptions) {
    const secret = secretBytes(opts.secret);
    this.k = { ...DEFAULT_K, ...opts.k };
    this.flip = opts.flip ?? 0.01;
    for (const f of Object.keys(DEFAULT_K) as Field[]) this.keys.set(f, createHmac('sha256', secret).update(`${SCHEME}/${f}`).digest());
    this.rnd = opts.flipSeed !== undefined ? seeded(opts.flipSeed) : cryptoRandom();
  }

  /** Bit positions of one feature of one field. */
  positions(field: Field, feature: string): Uint16Array {
    const ck = `${field}\u0000${feature}`;
    let p = this.cache.get(ck);
    if (!p) {
      const k = this.k[field];
      p = new Uint16Array(k);
      const key = this.keys.get(field)!;
      for (let block = 0, got = 0; got < k; block++) {
        const d = createHmac('sha256', key).update(block ? `${feature}\u0000${block}` : feature).digest();
        for (let w = 0; w < 16 && got < k; w++) p[got++] = ((d[2 * w] << 8) | d[2 * w + 1]) & (CLK_BITS - 1);
      }
      if (this.cache.size < 1_000_000) this.cache.set(ck, p);
    }
    return p;
  }

  private set(out: Uint32Array, o: number, field: Field, feature: string): void {
    if (!this.k[field]) return;
    const p = this.positions(field, feature);
    for (let x = 0; x < p.length; x++) out[o + (p[x] >>> 5)] |= 1 << (p[x] & 31);
  }

  private name(out: Uint32Array, o: number, field: Field, skelField: Field, key: string, skel: string): void {
    if (!key) return;
    const s = `_${key}_`;
    for (let i = 0; i + 2 <= s.length; i++) this.set(out, o, field, s.slice(i, i + 2));
    if (skel.length >= 2) {
      const t = `_${skel}_`;
      for (let i = 0; i + 2 <= t.length; i++) this.set(out, o, skelField, t.slice(i, i + 2));
    }
  }

  /** Encodes records (normalised together with the engine's tables). */
  encode(records: readonly PersonRecord[]): Encodings {
    const T = newTables(this.opts.dictionary ?? defaultVariantDictionary(), { referenceYear: this.opts.referenceYear });
    const P = prepare(records, T, false);
    const N = T.names;
    const bits = new Uint32Array(P.n * CLK_WORDS);
    for (let i = 0; i < P.n; i++) {
      const o = i * CLK_WORDS;
      const g = P.given[i];
      const f = P.family[i];
      const fa = P.father[i];
      if (g) this.name(bits, o, 'name', 'nameSkel', N.values[g], N.skel[g]);
      if (f) this.name(bits, o, 'name', 'nameSkel', N.values[f], N.skel[f]);
      if (fa) this.name(bits, o, 'father', 'fatherSkel', N.values[fa], N.skel[fa]);
      if (P.bprec[i]) {
        const y = P.by[i];
        for (let d = -2; d <= 2; d++) this.set(bits, o, 'year', String(y + d));
        if (P.bprec[i] === 3 && P.bm[i] && P.bd[i]) this.set(bits, o, 'monthDay', `${P.bm[i]}-${P.bd[i]}`);
      }
      if (P.sex[i]) this.set(bits, o, 'sex', String(P.sex[i]));
      if (P.loc[i]) this.set(bits, o, 'location', T.locs.values[P.loc[i]]);
      if (this.flip > 0) this.randomise(bits, o);
    }
    return { ids: P.ids, bits };
  }

  /** Flips each bit with probability `flip` (geometric skips: about flip·1,024 draws). */
  private randomise(bits: Uint32Array, o: number): void {
    const l = Math.log(1 - this.flip);
    let pos = -1;
    for (;;) {
      pos += 1 + Math.floor(Math.log(1 - this.rnd()) / l);
      if (pos >= CLK_BITS) return;
      bits[o + (pos >>> 5)] ^= 1 << (pos & 31);
    }
  }
}

/** Encodes records into CLKs (see ClkEncoder). */
export function encodePeople(records: readonly PersonRecord[], opts: EncodeOptions): Encodings {
  return new ClkEncoder(opts).encode(records);
}

function cryptoRandom(): () => number {
  const buf = new Uint32Array(4096);
  let i = buf.length;
  return () => {
    if (i === buf.length) {
      randomFillSync(buf);
      i = 0;
    }
    return buf[i++] / 4294967296;
  };
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One record's filter as base64 (128 bytes → 172 characters), little-endian words. */
export function filterToBase64(bits: Uint32Array, i: number): string {
  const view = new Uint8Array(bits.buffer, bits.byteOffset + i * CLK_BYTES, CLK_BYTES);
  return Buffer.from(view).toString('base64');
}

/** Decodes a base64 filter into `bits` at record i. */
export function filterFromBase64(s: string, bits: Uint32Array, i: number): void {
  const b = Buffer.from(s, 'base64');
  if (b.length !== CLK_BYTES) throw new Error(`an encoded filter must be ${CLK_BYTES} bytes, got ${b.length}`);
  new Uint8Array(bits.buffer, bits.byteOffset + i * CLK_BYTES, CLK_BYTES).set(b);
}
