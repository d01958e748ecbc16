/**
 * Column mapping: which header feeds which adapter field. Kobo/ODK exports name columns after the
 * form's groups (`group_x/field`, or `group_x.field` / `group_x:field` in some exports), add
 * metadata columns (`_uuid`, `_submission_time`, `meta/instanceID`), and write select_multiple
 * questions either as one column of space-separated values or one 0/1 column per option
 * (`group_x/documents/por`).
 */
import { msg, type Message } from '../shared/messages';
import type { ImportField, MappedRow } from './types';

/** A header without group prefixes, lower case, letters and digits only (any script). */
export function normalizeHeader(h: string): string {
  const last = h.trim().split(/[/:]/).pop() ?? '';
  return last.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Splits a header into its path segments (`group/sub/field` → [group, sub, field]). */
const segments = (h: string) => h.trim().split(/[/:]/);

/** For a multiple field: headers `…/<field>/<option>` (or `<field>_<option>`, `<field>.<option>`) by base. */
function optionColumns(headers: readonly string[], field: ImportField, base: string): { index: number; option: string }[] {
  const options = new Map((field.options ?? []).map((o) => [norm(o), o]));
  const out: { index: number; option: string }[] = [];
  headers.forEach((h, index) => {
    for (const sep of ['/', '.', ':', '_']) {
      if (h.startsWith(base + sep)) {
        const rest = h.slice(base.length + 1);
        const o = options.get(norm(rest));
        if (o) {
          out.push({ index, option: o });
          return;
        }
      }
    }
  });
  return out;
}

/** Names a field may appear under: its key, its label, its aliases (normalised), best first. */
function namesOf(f: ImportField): string[] {
  return [...new Set([f.key, ...(f.aliases ?? []), f.label].map(norm).filter(Boolean))];
}

/**
 * A suggested mapping: for each field, the best header (exact name first, then the name without
 * group prefixes, aliases in their order). A header is given to one field at most. A multiple
 * field whose answers come as 0/1 option columns maps to their common base (`group_x/documents`).
 */
export function suggestMapping(headers: readonly string[], fields: readonly ImportField[]): Record<string, string> {
  const taken = new Set<number>();
  const out: Record<string, string> = {};
  const normalized = headers.map(normalizeHeader);
  const full = headers.map(norm);
  // Rank: 0 = exact (whole header), then 1 + alias position for the last segment.
  const candidates: { field: ImportField; index: number; rank: number; base?: string }[] = [];
  for (const f of fields) {
    const names = namesOf(f);
    headers.forEach((_h, index) => {
      const exact = names.indexOf(full[index]);
      if (exact >= 0) candidates.push({ field: f, index, rank: exact * 2 });
      else {
        const pos = names.indexOf(normalized[index]);
        if (pos >= 0) candidates.push({ field: f, index, rank: pos * 2 + 1 });
      }
    });
    if (f.multiple && f.options?.length) {
      // Option columns: group/documents/por → base group/documents.
      const bases = new Set<string>();
      headers.forEach((h) => {
        const seg = segments(h);
        const last = seg[seg.length - 1];
        if (seg.length >= 2 && names.includes(norm(seg[seg.length - 2])) && f.options!.some((o) => norm(o) === norm(last)))
          bases.add(h.trim().slice(0, h.trim().length - last.length - 1));
      });
      for (const base of bases) candidates.push({ field: f, index: -1, rank: 100, base });
    }
  }
  candidates.sort((a, b) => a.rank - b.rank);
  for (const c of candidates) {
    if (out[c.field.key] !== undefined) continue;
    if (c.base !== undefined) {
      out[c.field.key] = c.base;
      continue;
    }
    if (taken.has(c.index)) continue;
    taken.add(c.index);
    out[c.field.key] = headers[c.index];
  }
  splitTwins(headers, normalized, fields, out, taken);
  return out;
}

/**
 * Fields asked once per record and again per repeat entry (ImportField.twinOf): when the twin's
 * question appears under two groups (`head/sex`, then `members/sex`: a Kobo workbook's main sheet
 * comes before its repeat sheet), the first column goes to the once-per-record field and the second
 * to the twin. Only when a required twin is among them (or its counterpart was found by name):
 * a household phone in the main part beside the members' phones alone is not a head's.
 */
function splitTwins(headers: readonly string[], normalized: string[], fields: readonly ImportField[], out: Record<string, string>, taken: Set<number>) {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const splits: { once: ImportField; twin: ImportField; first: number; second: number }[] = [];
  for (const once of fields) {
    const twin = once.twinOf ? byKey.get(once.twinOf) : undefined;
    if (!twin || out[once.key] !== undefined || out[twin.key] === undefined) continue;
    const first = headers.indexOf(out[twin.key]);
    if (first < 0) continue;
    const second = headers.findIndex((_h, k) => k > first && !taken.has(k) && normalized[k] === normalized[first]);
    if (second >= 0) splits.push({ once, twin, first, second });
  }
  const named = fields.some((f) => f.twinOf && out[f.key] !== undefined && byKey.get(f.twinOf)?.required);
  if (!named && !splits.some((s) => s.twin.required)) return;
  for (const s of splits) {
    out[s.once.key] = headers[s.first];
    out[s.twin.key] = headers[s.second];
    taken.add(s.second);
  }
}

export interface MappingProblem extends Message {
  field: string;
}

interface Compiled {
  key: string;
  multiple: boolean;
  index: number;
  options: { index: number; option: string }[];
  column: string;
}

export interface RowMapper {
  /** The mapped values of one row of cells. */
  map(cells: readonly string[]): MappedRow;
  /** The header feeding a field (for the report). */
  columnOf(field: string): string | null;
  problems: MappingProblem[];
}

const TRUE = new Set(['1', 'true', 'yes', 'y', 'x', 'oui', 'بلی', 'هو']);

/** Compiles a mapping against the headers; `problems` names unmapped required fields and unknown columns. */
export function compileMapping(headers: readonly string[], fields: readonly ImportField[], mapping: Record<string, string | null | undefined>): RowMapper {
  const problems: MappingProblem[] = [];
  const compiled: Compiled[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(mapping)) if (!known.has(key)) problems.push({ field: key, ...msg('import.noSuchField', { field: key }) });
  for (const f of fields) {
    const column = mapping[f.key];
    if (column === undefined || column === null || column === '') {
      if (f.required) problems.push({ field: f.key, ...msg('import.fieldUnmapped', { label: f.label }) });
      continue;
    }
    const index = headers.indexOf(column);
    const options = f.multiple ? optionColumns(headers, f, column) : [];
    if (index < 0 && !options.length) {
      problems.push({ field: f.key, ...msg('import.noSuchColumn', { column }) });
      continue;
    }
    compiled.push({ key: f.key, multiple: !!f.multiple, index, options, column });
  }
  return {
    problems,
    columnOf: (field) => compiled.find((c) => c.key === field)?.column ?? null,
    map(cells) {
      const row: MappedRow = {};
      for (const c of compiled) {
        if (c.multiple) {
          if (c.index >= 0) {
            const v = (cells[c.index] ?? '').trim();
            row[c.key] = v ? v.split(/[\s,;]+/).filter(Boolean) : [];
          } else {
            const picked: string[] = [];
            for (const o of c.options) if (TRUE.has((cells[o.index] ?? '').trim().toLowerCase())) picked.push(o.option);
            row[c.key] = picked;
          }
        } else {
          const v = (cells[c.index] ?? '').trim();
          if (v !== '') row[c.key] = v;
        }
      }
      return row;
    },
  };
}
