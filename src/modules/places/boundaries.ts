import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Tx } from '../../db/client';
import { notFound } from '../../server/errors';
import { DATA_DIR } from './reference';
import { areaNames } from './service';

/**
 * Admin boundaries as GeoJSON, from the simplified COD-AB files shipped in data/geo/. Only
 * Afghanistan has polygons (2018 edition, 34 provinces / 399 districts); Pakistan has none
 * openly licensed (see data/geo/README.md).
 */
export const BOUNDARY_FILES: Record<string, Record<number, string>> = {
  AFG: { 1: 'afg_adm1_simplified.geojson', 2: 'afg_adm2_simplified.geojson' },
};

export interface BoundaryLayer {
  /** The FeatureCollection, serialised once. */
  body: string;
  /** Strong validator: a hash of the body. */
  etag: string;
  features: number;
}

interface RawFeature {
  type: 'Feature';
  properties: Record<string, string | null>;
  geometry: { type: string; coordinates: unknown };
}

/** Read and transformed once per process; the files and the gazetteer they are joined with do not change. */
const cache = new Map<string, Promise<BoundaryLayer>>();

async function build(tx: Tx, operationId: string, level: number, file: string): Promise<BoundaryLayer> {
  const raw = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'geo', file), 'utf8')) as { features: RawFeature[] };
  const names = new Map((await areaNames(tx, operationId, level)).map((a) => [a.pcode, a]));
  const features = raw.features.map((f) => {
    const pcode = String(f.properties[`adm${level}_pcode`]);
    const area = names.get(pcode);
    return {
      type: 'Feature' as const,
      properties: {
        pcode,
        // English names from the 2021 gazetteer; Dari from the gazetteer too (blank where the unit changed).
        name: area?.name ?? String(f.properties[`adm${level}_name_2018`] ?? pcode),
        nameLocal: area ? area.nameLocal : (f.properties[`adm${level}_name_da`] ?? null),
        level,
        parentPcode: area?.parentPcode ?? (level > 1 ? String(f.properties[`adm${level - 1}_pcode`]) : operationId.slice(0, 2)),
      },
      geometry: f.geometry,
    };
  });
  features.sort((a, b) => (a.properties.pcode < b.properties.pcode ? -1 : a.properties.pcode > b.properties.pcode ? 1 : 0));
  const body = JSON.stringify({ type: 'FeatureCollection', features });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  return { body, etag, features: features.length };
}

/** The boundary layer of one operation and level; 404 when Hamrah ships none. */
export function boundaryLayer(tx: Tx, operationId: string, level: number): Promise<BoundaryLayer> {
  const file = BOUNDARY_FILES[operationId]?.[level];
  if (!file) throw notFound(`No boundaries are shipped for ${operationId} at admin level ${level}.`);
  const key = `${operationId}:${level}`;
  let layer = cache.get(key);
  if (!layer) {
    layer = build(tx, operationId, level, file);
    cache.set(key, layer);
    layer.catch(() => cache.delete(key));
  }
  return layer;
}

/** True when an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v.replace(/^W\//, '') === bare;
  });
}
