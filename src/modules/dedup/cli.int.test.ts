/**
 * `hamrah dedup` end to end: the real command line on small synthetic CSV files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, csvLine } from './csv';
import { generateRegistry } from './engine/synthetic';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hamrah-dedup-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hamrah(...args: string[]): { stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/hamrah.mjs'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`hamrah ${args[0]} exited ${r.status}: ${r.stderr}`);
  return { stderr: r.stderr };
}

describe('hamrah dedup', () => {
  it('maps arbitrary headers with --map and writes match and review pairs only', () => {
    const reg = generateRegistry({ individuals: 400, seed: 11 });
    const header = ['Person ID', 'First', 'Tribe', 'Father', 'Full', 'Arabic', 'Gender', 'DOB', 'YOB', 'Age', 'DOB SH', 'Tazkira', 'Mobile', 'District'];
    let csv = csvLine(header);
    for (const r of reg.records)
      csv += csvLine([r.id, r.givenName ?? '', r.familyName ?? '', r.fatherName ?? '', r.fullName ?? '', r.nameAr ?? '', r.sex ?? '', r.birthDate ?? '', r.birthYear ?? '', r.age ?? '', r.birthDateSh ?? '', r.documentNumber ?? '', r.phone ?? '', r.locationPcode ?? '']);
    // One certain duplicate: a verbatim copy of the first record under another id.
    const first = parseCsv(csv)[1];
    csv += csvLine(['copy-1', ...first.slice(1)]);
    const input = path.join(tmp, 'people.csv');
    writeFileSync(input, csv);
    const out = path.join(tmp, 'pairs.csv');
    const maps = ['id=Person ID', 'given_name=First', 'family_name=Tribe', 'father_name=Father', 'full_name=Full', 'name_ar=Arabic', 'sex=Gender', 'birth_date=DOB', 'birth_year=YOB', 'age=Age', 'birth_date_sh=DOB SH', 'document_number=Tazkira', 'phone=Mobile', 'location_pcode=District'];
    const { stderr } = hamrah('dedup', input, '--out', out, ...maps.flatMap((m) => ['--map', m]));
    expect(stderr).toMatch(/given_name ← First/);
    expect(stderr).toMatch(/\d+ records, \d+ candidate pairs → \d+ match and \d+ review pairs/);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['id_a', 'id_b', 'score', 'decision']);
    const body = rows.slice(1);
    expect(body.length).toBeGreaterThan(10);
    expect(new Set(body.map((r) => r[3]))).toEqual(new Set(['match', 'review']));
    const ids = new Set(reg.records.map((r) => r.id).concat('copy-1'));
    for (const [a, b, score] of body) {
      expect(ids.has(a) && ids.has(b) && a !== b).toBe(true);
      expect(Number.isFinite(Number(score))).toBe(true);
    }
    const copy = body.find((r) => (r[0] === 'copy-1' && r[1] === first[0]) || (r[1] === 'copy-1' && r[0] === first[0]));
    expect(copy?.[3]).toBe('match');
    // Most written match pairs are true duplicates by the generator's truth.
    const entity = new Map(reg.records.map((r, i) => [r.id, reg.entity[i]]));
    const matches = body.filter((r) => r[3] === 'match' && r[0] !== 'copy-1' && r[1] !== 'copy-1');
    const right = matches.filter((r) => entity.get(r[0]) === entity.get(r[1])).length;
    expect(right / matches.length).toBeGreaterThan(0.9);
  }, 60_000);

  it('maps headers that already use the field names, and honours --thresholds', () => {
    const input = path.join(tmp, 'auto.csv');
    writeFileSync(
      input,
      'id,given_name,father_name,birth_year,location_pcode,phone\n' +
        'a,Mohammad Karim,Abdul Rahim,1985,AF0101,0700123456\n' +
        'b,Muhammad Kareem,Abdul Raheem,1985,AF0101,0700123456\n' +
        'c,Fatima,Ghulam Haidar,1990,AF0201,\n',
    );
    const loose = path.join(tmp, 'loose.csv');
    hamrah('dedup', input, '--out', loose, '--thresholds', 'match=8,review=4', '--quiet');
    const rows = parseCsv(readFileSync(loose, 'utf8'));
    expect(rows.slice(1)).toEqual([['a', 'b', expect.stringMatching(/^\d+\.\d\d$/), 'match']]);
    const strict = path.join(tmp, 'strict.csv');
    hamrah('dedup', input, '--out', strict, '--thresholds', '90,80', '--quiet');
    expect(parseCsv(readFileSync(strict, 'utf8'))).toEqual([['id_a', 'id_b', 'score', 'decision']]);
  }, 60_000);

  it('fails clearly on a mapping to a missing column', () => {
    const input = path.join(tmp, 'auto.csv');
    expect(() => hamrah('dedup', input, '--out', path.join(tmp, 'x.csv'), '--map', 'given_name=Vorname')).toThrow(/Vorname/);
  });
});
