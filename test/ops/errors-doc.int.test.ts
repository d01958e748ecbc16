import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/server/errors';
import { MESSAGE_CODES } from '../../src/shared/messages';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/errors.md');

/** `## CODE` sections of docs/errors.md with their text. */
function sections(): Map<string, string> {
  const text = fs.readFileSync(DOC, 'utf8');
  const out = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const [title, ...body] = part.split('\n');
    out.set(title.trim(), body.join('\n'));
  }
  return out;
}

describe('docs/errors.md', () => {
  const doc = sections();

  it('documents the error body shape', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    for (const member of ['"code"', '"message"', '"requestId"', '"fields"', '"path"', '"row"', '"params"', '`fields[].code`', '`fields[].params`']) expect(text).toContain(member);
  });

  it('names every group of field message codes (src/shared/messages.ts)', () => {
    const groups = doc.get('Field message codes') ?? '';
    const missing = [...new Set(MESSAGE_CODES.map((c) => c.split('.')[0]!))].filter((g) => !groups.includes(`\`${g}.*\``));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(ERROR_CODES))('documents %s with its status, when it happens and what the client should do', (code, def) => {
    const body = doc.get(code);
    expect(body, `docs/errors.md has no "## ${code}" section`).toBeDefined();
    expect(body).toMatch(new RegExp(`\\*\\*HTTP status:\\*\\* ${def.status}\\b`));
    expect(body).toMatch(/\*\*When:\*\* \S/);
    expect(body).toMatch(/\*\*Client:\*\* \S/);
  });

  it('documents no code that does not exist', () => {
    const unknown = [...doc.keys()].filter((k) => /^[A-Z_]+$/.test(k) && !(k in ERROR_CODES));
    expect(unknown).toEqual([]);
  });
});
