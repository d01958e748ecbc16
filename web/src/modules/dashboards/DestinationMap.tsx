import { useMemo } from 'react';
import { Alert, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBoundaries, type BoundaryCollection } from '../places/api';
import { EChart, echarts, type EChartsCoreOption } from './EChart';
import type { SurveyItem } from './api';
import { pct } from './api';

interface Props {
  operation: string;
  level: 1 | 2;
  items: SurveyItem[];
  weightedTotal: number;
  number: (n: number) => string;
  renderer?: 'canvas' | 'svg';
  height?: number;
  /** Tooltip label of the value (default: the weighted estimate). */
  valueLabel?: string;
  testId?: string;
}

const registered = new Set<string>();
function registerOnce(name: string, fc: BoundaryCollection) {
  if (registered.has(name)) return;
  // The places module serves the boundaries with P-codes in properties.pcode; ECharts matches on that.
  echarts.registerMap(name, fc as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered.add(name);
}

/**
 * Destinations on the map of Afghanistan (same boundary GeoJSON as the places module), shaded by
 * the weighted estimate of people heading there. The places DistrictMap takes no values, hence
 * this ECharts choropleth.
 */
export function DestinationMap({ operation, level, items, weightedTotal, number, renderer, height = 420, valueLabel, testId }: Props) {
  const { t, i18n } = useTranslation();
  const rtlLang = i18n.language !== 'en';
  const b = useBoundaries(operation, level, true);
  const name = `${operation}-adm${level}`;
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!b.data) return null;
    registerOnce(name, b.data);
    const names = new Map(b.data.features.map((f) => [f.properties.pcode, rtlLang && f.properties.nameLocal ? f.properties.nameLocal : f.properties.name]));
    const data = items.filter((i) => i.key && names.has(i.key)).map((i) => ({ name: i.key, value: i.weighted, surveys: i.surveys, people: i.people }));
    const max = Math.max(1, ...data.map((d) => d.value));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data?: { value: number; surveys: number; people: number } }) => {
          const label = names.get(p.name) ?? p.name;
          if (!p.data) return `${label}<br/>${t('dashboards.map.noAnswers')}`;
          const head = `<b>${label}</b> (${p.name})<br/>${valueLabel ?? t('dashboards.surveys.weighted')}: ${number(Math.round(p.data.value))} (${pct(p.data.value, weightedTotal)} %)`;
          return p.data.surveys ? `${head}<br/>${t('dashboards.surveys.raw')}: ${number(p.data.surveys)}` : head;
        },
      },
      visualMap: { min: 0, max, left: 8, bottom: 8, calculable: true, inRange: { color: ['#e3fafc', '#66d9e8', '#0b7285'] }, formatter: (v: number) => number(Math.round(v)) },
      series: [
        {
          type: 'map',
          map: name,
          nameProperty: 'pcode',
          roam: true,
          itemStyle: { borderColor: '#868e96', borderWidth: level === 2 ? 0.3 : 0.8, areaColor: '#f8f9fa' },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffd43b' } },
          data,
        },
      ],
    };
  }, [b.data, items, name, level, number, t, rtlLang, weightedTotal, valueLabel]);
  if (b.isPending) return <Loader size="sm" />;
  if (!b.data || !option) return <Alert color="gray">{t('dashboards.map.noBoundaries')}</Alert>;
  return <EChart option={option} height={height} renderer={renderer} testId={testId ?? `chart-map-adm${level}`} label={t('dashboards.map.title')} />;
}
