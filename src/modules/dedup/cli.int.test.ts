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
  }, 180_000);

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
  }, 180_000);

  it('fails clearly on a mapping to a missing column', { timeout: 120_000 }, () => {
    const input = path.join(tmp, 'auto.csv');
    expect(() => hamrah('dedup', input, '--out', path.join(tmp, 'x.csv'), '--map', 'given_name=Vorname')).toThrow(/Vorname/);
  });
});

describe('hamrah pprl', () => {
  it('encodes two agencies\' files without names and links them back', () => {
    const reg = generateRegistry({ individuals: 300, seed: 5, duplicateRate: 1 });
    const firstOf = new Map<string, number>();
    const ours: string[] = [csvLine(['id', 'given_name', 'family_name', 'father_name', 'sex', 'birth_date', 'birth_year', 'age', 'birth_date_sh', 'location_pcode'])];
    const theirs: string[] = [csvLine(['ref', 'name', 'surname', 'father', 'gender', 'dob', 'yob', 'age', 'dob_sh', 'district'])];
    const row = (i: number) => {
      const r = reg.records[i];
      return [r.id, r.givenName ?? r.fullName ?? '', r.familyName ?? '', r.fatherName ?? '', r.sex ?? '', r.birthDate ?? '', r.birthYear ?? '', r.age ?? '', r.birthDateSh ?? '', r.locationPcode ?? ''];
    };
    const truth = new Set<string>();
    reg.entity.forEach((e, i) => {
      const f = firstOf.get(e);
      if (f === undefined) {
        firstOf.set(e, i);
        ours.push(csvLine(row(i)));
      } else if (f >= 0) {
        firstOf.set(e, -1);
        theirs.push(csvLine(row(i)));
        truth.add(`${reg.records[f].id}|${reg.records[i].id}`);
      }
    });
    writeFileSync(path.join(tmp, 'ours.csv'), ours.join(''));
    writeFileSync(path.join(tmp, 'theirs.csv'), theirs.join(''));
    writeFileSync(path.join(tmp, 'secret'), 'correct horse battery staple 2026\n');
    writeFileSync(path.join(tmp, 'other-secret'), 'a different secret altogether\n');
    hamrah('pprl', 'encode', path.join(tmp, 'ours.csv'), '--secret-file', path.join(tmp, 'secret'), '--out', path.join(tmp, 'ours.enc.csv'), '--quiet');
    const maps = ['id=ref', 'given_name=name', 'family_name=surname', 'father_name=father', 'sex=gender', 'birth_date=dob', 'birth_year=yob', 'birth_date_sh=dob_sh', 'location_pcode=district'];
    const { stderr } = hamrah('pprl', 'encode', path.join(tmp, 'theirs.csv'), '--secret-file', path.join(tmp, 'secret'), '--out', path.join(tmp, 'theirs.enc.csv'), ...maps.flatMap((m) => ['--map', m]));
    expect(stderr).toMatch(/people encoded/);
    const enc = readFileSync(path.join(tmp, 'ours.enc.csv'), 'utf8');
    const encRows = parseCsv(enc);
    expect(encRows[0]).toEqual(['id', 'clk']);
    expect(encRows[1][1]).toMatch(/^[A-Za-z0-9+/]{171}=$/);
    // No name, place or date from the input appears in the encoded file.
    const src = parseCsv(ours.join(''));
    for (const r of src.slice(1, 50)) for (const v of [r[1], r[3], r[5], r[9]]) if (v && v.length > 3) expect(enc.includes(v)).toBe(false);

    hamrah('pprl', 'match', path.join(tmp, 'ours.enc.csv'), path.join(tmp, 'theirs.enc.csv'), '--out', path.join(tmp, 'links.csv'), '--quiet');
    const links = parseCsv(readFileSync(path.join(tmp, 'links.csv'), 'utf8'));
    expect(links[0]).toEqual(['id_a', 'id_b', 'dice', 'decision']);
    const matches = links.slice(1).filter((l) => l[3] === 'match');
    const right = matches.filter((l) => truth.has(`${l[0]}|${l[1]}`)).length;
    expect(right / truth.size).toBeGreaterThan(0.7);
    expect(right / matches.length).toBeGreaterThan(0.9);

    // The partner used another secret: nothing links.
    hamrah('pprl', 'encode', path.join(tmp, 'theirs.csv'), '--secret-file', path.join(tmp, 'other-secret'), '--out', path.join(tmp, 'wrong.enc.csv'), '--quiet', ...maps.flatMap((m) => ['--map', m]));
    hamrah('pprl', 'match', path.join(tmp, 'ours.enc.csv'), path.join(tmp, 'wrong.enc.csv'), '--out', path.join(tmp, 'none.csv'), '--quiet');
    expect(parseCsv(readFileSync(path.join(tmp, 'none.csv'), 'utf8'))).toEqual([['id_a', 'id_b', 'dice', 'decision']]);
  }, 180_000);
});
