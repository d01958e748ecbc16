import { useEffect, useRef, useState } from 'react';
import { Alert } from '@mantine/core';
import { Map as MapLibre, NavigationControl, Popup, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike, type MapGeoJSONFeature, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useTranslation } from 'react-i18next';
import type { BoundaryCollection, Site } from './api';
import { displayName, secondaryName } from './names';

// MapLibre runs its worker from a separate file; serve it from our own assets.
setWorkerUrl(workerUrl);

export interface DistrictMapProps {
  provinces: BoundaryCollection | null;
  districts: BoundaryCollection | null;
  sites: Site[];
  selected: string | null;
  onSelect: (pcode: string) => void;
  /**
   * Optional choropleth: a value between 0 and 1 per district P-code shades the district from
   * light to dark; districts without a value stay white. Without it the map looks as before.
   */
  shades?: Record<string, number> | null;
}

type Bbox = [number, number, number, number];

function extend(b: Bbox, coords: unknown): void {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const [x, y] = coords as number[];
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  } else if (Array.isArray(coords)) for (const c of coords) extend(b, c);
}

function bboxOf(fc: BoundaryCollection, pcode?: string): Bbox | null {
  const b: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of fc.features) if (!pcode || f.properties.pcode === pcode) extend(b, f.geometry.coordinates);
  return Number.isFinite(b[0]) ? b : null;
}

const EMPTY: BoundaryCollection = { type: 'FeatureCollection', features: [] };
const TEAL = '#0c8599';

/** Only Hamrah's own data: a background and GeoJSON layers. No tiles, glyphs or sprites fetched. */
const STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef3f5' } }],
};

function popupContent(title: string, subtitle: string | null, code: string): HTMLElement {
  const el = document.createElement('div');
  const strong = document.createElement('strong');
  strong.textContent = title;
  el.appendChild(strong);
  if (subtitle) {
    const s = document.createElement('div');
    s.textContent = subtitle;
    el.appendChild(s);
  }
  const c = document.createElement('div');
  c.style.fontFamily = 'monospace';
  c.style.opacity = '0.7';
  c.dir = 'ltr';
  c.textContent = code;
  el.appendChild(c);
  return el;
}

export default function DistrictMap({ provinces, districts, sites, selected, onSelect, shades }: DistrictMapProps) {
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  const langRef = useRef(i18n.language);
  langRef.current = i18n.language;
  const prevSelected = useRef<string | null>(null);

  // Create the map once.
  useEffect(() => {
    if (!container.current) return;
    let map: MapLibre;
    try {
      map = new MapLibre({
        container: container.current,
        style: STYLE,
        center: [66, 34],
        zoom: 4.5,
        attributionControl: { compact: true, customAttribution: t('places.mapAttribution') },
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        cooperativeGestures: false,
      });
    } catch {
      setFailed(true);
      return;
    }
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    const hover = new Popup({ closeButton: false, closeOnClick: false, offset: 8 });

    map.on('load', () => {
      map.addSource('provinces', { type: 'geojson', data: EMPTY as GeoJSON.FeatureCollection, promoteId: 'pcode' });
      map.addSource('districts', { type: 'geojson', data: EMPTY as GeoJSON.FeatureCollection, promoteId: 'pcode' });
      map.addSource('sites', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      const selectedOr = (a: string, b: string) => ['case', ['boolean', ['feature-state', 'selected'], false], a, b] as unknown as string;
      map.addLayer({
        id: 'district-fill',
        type: 'fill',
        source: 'districts',
        paint: {
          // Selected: teal; with a shade (0–1): a light-to-dark orange ramp; otherwise white.
          'fill-color': selectedOr(TEAL, [
            'case',
            ['==', ['typeof', ['feature-state', 'shade']], 'number'],
            ['interpolate', ['linear'], ['feature-state', 'shade'], 0, '#fff5eb', 0.25, '#fdd0a2', 0.5, '#fd8d3c', 0.75, '#d94801', 1, '#7f2704'],
            '#ffffff',
          ] as unknown as string),
          'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.55, ['boolean', ['feature-state', 'hover'], false], 0.9, 0.6] as unknown as number,
        },
      });
      map.addLayer({ id: 'province-fill', type: 'fill', source: 'provinces', paint: { 'fill-color': TEAL, 'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.25, 0] as unknown as number } });
      map.addLayer({ id: 'district-line', type: 'line', source: 'districts', paint: { 'line-color': '#8aa4ae', 'line-width': 0.6 } });
      map.addLayer({ id: 'province-line', type: 'line', source: 'provinces', paint: { 'line-color': '#3d5a66', 'line-width': 1.4 } });
      map.addLayer({
        id: 'selected-line',
        type: 'line',
        source: 'districts',
        paint: { 'line-color': '#0b7285', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0] as unknown as number },
      });
      map.addLayer({
        id: 'province-selected-line',
        type: 'line',
        source: 'provinces',
        paint: { 'line-color': '#0b7285', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 0] as unknown as number },
      });
      map.addLayer({
        id: 'sites',
        type: 'circle',
        source: 'sites',
        paint: { 'circle-radius': 5, 'circle-color': '#e8590c', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
      });

      let hovered: string | number | undefined;
      const clearHover = () => {
        if (hovered !== undefined) map.setFeatureState({ source: 'districts', id: hovered }, { hover: false });
        hovered = undefined;
      };
      map.on('mousemove', 'district-fill', (e) => {
        const f = e.features?.[0] as MapGeoJSONFeature | undefined;
        if (!f) return;
        if (hovered !== f.id) {
          clearHover();
          hovered = f.id;
          if (hovered !== undefined) map.setFeatureState({ source: 'districts', id: hovered }, { hover: true });
        }
        map.getCanvas().style.cursor = 'pointer';
        const p = f.properties as { pcode: string; name: string; nameLocal: string | null };
        const named = { name: p.name, nameLocal: p.nameLocal || null };
        hover.setLngLat(e.lngLat).setDOMContent(popupContent(displayName(named, langRef.current), secondaryName(named, langRef.current), p.pcode)).addTo(map);
      });
      map.on('mouseleave', 'district-fill', () => {
        clearHover();
        map.getCanvas().style.cursor = '';
        hover.remove();
      });
      map.on('click', (e) => {
        const site = map.queryRenderedFeatures(e.point, { layers: ['sites'] })[0];
        if (site) {
          const p = site.properties as { name: string; nameLocal: string | null; code: string };
          const named = { name: p.name, nameLocal: p.nameLocal || null };
          new Popup({ offset: 8 })
            .setLngLat(e.lngLat)
            .setDOMContent(popupContent(displayName(named, langRef.current), secondaryName(named, langRef.current), p.code))
            .addTo(map);
          return;
        }
        const d = map.queryRenderedFeatures(e.point, { layers: ['district-fill'] })[0];
        const pcode = (d?.properties as { pcode?: string } | undefined)?.pcode;
        if (pcode) selectRef.current(pcode);
      });
      setReady(true);
    });
    map.on('error', (e) => {
      // Bad data in one layer should not blank the page; log for the console reader.
      console.warn('map error', e.error);
    });
    return () => {
      hover.remove();
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
    // The map is built once; props flow in through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Boundaries.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('provinces') as GeoJSONSource).setData((provinces ?? EMPTY) as GeoJSON.FeatureCollection);
    (map.getSource('districts') as GeoJSONSource).setData((districts ?? EMPTY) as GeoJSON.FeatureCollection);
    const b = bboxOf(provinces ?? districts ?? EMPTY);
    if (b && !prevSelected.current) map.fitBounds(b as LngLatBoundsLike, { padding: 16, animate: false });
    // Lets people and browser tests know when the boundaries are drawn.
    map.once('idle', () => container.current?.setAttribute('data-map-ready', 'true'));
  }, [ready, provinces, districts]);

  // Choropleth shades (optional).
  const shadedRef = useRef<string[]>([]);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || !districts) return;
    for (const id of shadedRef.current) map.removeFeatureState({ source: 'districts', id }, 'shade');
    shadedRef.current = [];
    if (!shades) return;
    for (const [id, shade] of Object.entries(shades)) {
      map.setFeatureState({ source: 'districts', id }, { shade });
      shadedRef.current.push(id);
    }
  }, [ready, shades, districts]);

  // Sites.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const features = sites
      .filter((s) => s.lat !== null && s.lon !== null)
      .map((s) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [s.lon!, s.lat!] },
        properties: { id: s.id, code: s.code, name: s.name, nameLocal: s.nameLocal ?? '', kind: s.kind },
      }));
    (map.getSource('sites') as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  }, [ready, sites]);

  // Selection: highlight and bring into view.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const prev = prevSelected.current;
    if (prev) {
      for (const source of ['provinces', 'districts']) map.setFeatureState({ source, id: prev }, { selected: false });
    }
    prevSelected.current = selected;
    if (!selected) return;
    const inDistricts = districts?.features.some((f) => f.properties.pcode === selected);
    const inProvinces = provinces?.features.some((f) => f.properties.pcode === selected);
    const source = inDistricts ? 'districts' : inProvinces ? 'provinces' : null;
    if (!source) return;
    map.setFeatureState({ source, id: selected }, { selected: true });
    const b = bboxOf((inDistricts ? districts : provinces)!, selected);
    if (b) map.fitBounds(b as LngLatBoundsLike, { padding: 60, maxZoom: 7.5, duration: 600 });
  }, [ready, selected, districts, provinces]);

  if (failed) {
    return (
      <Alert color="yellow" title={t('places.mapUnavailableTitle')}>
        {t('places.mapUnavailable')}
      </Alert>
    );
  }
  return <div ref={container} className="hamrah-map" data-testid="district-map" role="region" aria-label={t('places.map')} />;
}
