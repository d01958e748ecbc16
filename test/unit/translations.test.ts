import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const LANGS = ['en', 'fa-AF', 'ps', 'ur'];

/** The dotted keys of a nested translation object. */
function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

/** The translation folders: the shell's and each web module's own. */
function folders(): string[] {
  const modules = path.join(ROOT, 'web', 'src', 'modules');
  const own = fs
    .readdirSync(modules)
    .map((m) => path.join(modules, m, 'i18n'))
    .filter((d) => fs.existsSync(d));
  return [path.join(ROOT, 'web', 'src', 'i18n'), ...own];
}

describe('translation files', () => {
  for (const dir of folders()) {
    const name = path.relative(ROOT, dir).split(path.sep).join('/');
    it(`${name} has the same keys in every language`, () => {
      const en = new Set(keys(JSON.parse(fs.readFileSync(path.join(dir, 'en.json'), 'utf8'))));
      expect(en.size).toBeGreaterThan(0);
      for (const lang of LANGS.slice(1)) {
        const file = path.join(dir, `${lang}.json`);
        expect(fs.existsSync(file), `${name}/${lang}.json is missing`).toBe(true);
        const other = new Set(keys(JSON.parse(fs.readFileSync(file, 'utf8'))));
        expect([...en].filter((k) => !other.has(k)), `keys missing from ${lang}`).toEqual([]);
        expect([...other].filter((k) => !en.has(k)), `keys only in ${lang}`).toEqual([]);
      }
    });
  }
});
