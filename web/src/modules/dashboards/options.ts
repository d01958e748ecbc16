import type { TFunction } from 'i18next';
import type { EChartsCoreOption } from './EChart';
import type { DashboardView, SurveyItem } from './api';
import { pct } from './api';

const PALETTE = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d', '#3b5bdb', '#d9480f', '#087f5b'];
export const COLORS = { deported: '#c92a2a', spontaneous: '#1c7ed6', other: '#868e96', male: '#1c7ed6', female: '#e64980', raw: '#adb5bd', weighted: '#0c8599' };

interface Ctx {
  t: TFunction;
  rtl: boolean;
  number: (n: number) => string;
  siteName: (id: string) => string;
  bucketLabel: (b: string) => string;
}

const font = { fontFamily: 'inherit' };

/** Inflow (or outflow) over time, one line per BCP. */
export function seriesOption(d: DashboardView, direction: 'in' | 'out', c: Ctx): EChartsCoreOption {
  const buckets = [...new Set(d.series.map((p) => p.bucket))].sort();
  const index = new Map(buckets.map((b, i) => [b, i]));
  const bySite = new Map<string, number[]>();
  for (const p of d.series) {
    if (p.direction !== direction) continue;
    const arr = bySite.get(p.siteId) ?? (bySite.set(p.siteId, new Array(buckets.length).fill(0)), bySite.get(p.siteId)!);
    arr[index.get(p.bucket)!] += p.total;
  }
  const series = [...bySite.entries()]
    .sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0))
    .map(([site, data], i) => ({ type: 'line', name: c.siteName(site), data, showSymbol: buckets.length < 40, smooth: false, lineStyle: { width: 2 }, color: PALETTE[i % PALETTE.length] }));
  return {
    textStyle: font,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => c.number(v) },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 56, top: 16, bottom: 56 },
    xAxis: { type: 'category', data: buckets.map(c.bucketLabel), inverse: c.rtl },
    yAxis: { type: 'value', position: c.rtl ? 'right' : 'left', axisLabel: { formatter: (v: number) => c.number(v) } },
    series,
  };
}

/** Inflow per bucket, stacked deported / spontaneous / other. */
export function reasonsOption(d: DashboardView, c: Ctx): EChartsCoreOption {
  const buckets = [...new Set(d.series.filter((p) => p.direction === 'in').map((p) => p.bucket))].sort();
  const index = new Map(buckets.map((b, i) => [b, i]));
  const dep = new Array(buckets.length).fill(0);
  const spo = new Array(buckets.length).fill(0);
  const oth = new Array(buckets.length).fill(0);
  for (const p of d.series) {
    if (p.direction !== 'in') continue;
    const i = index.get(p.bucket)!;
    dep[i] += p.deported;
    spo[i] += p.spontaneous;
    oth[i] += p.otherReason;
  }
  const bar = (name: string, data: number[], color: string) => ({ type: 'bar', stack: 'in', name, data, color, barMaxWidth: 28 });
  return {
    textStyle: font,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => c.number(v) },
    legend: { bottom: 0 },
    grid: { left: 56, right: 56, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: buckets.map(c.bucketLabel), inverse: c.rtl },
    yAxis: { type: 'value', position: c.rtl ? 'right' : 'left', axisLabel: { formatter: (v: number) => c.number(v) } },
    series: [bar(c.t('flows.count.deported'), dep, COLORS.deported), bar(c.t('flows.count.spontaneous'), spo, COLORS.spontaneous), bar(c.t('flows.count.otherReason'), oth, COLORS.other)],
  };
}

/** Sex and age pyramid of the counted flow: men and boys to one side, women and girls to the other. */
export function pyramidOption(f: DashboardView['inflow'], c: Ctx): EChartsCoreOption {
  const cats = [c.t('dashboards.pyramid.children'), c.t('dashboards.pyramid.adults')];
  const male = [-f.boys, -f.men];
  const female = [f.girls, f.women];
  const abs = (v: number) => c.number(Math.abs(v));
  return {
    textStyle: font,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => abs(v) },
    legend: { bottom: 0 },
    grid: { left: 72, right: 72, top: 8, bottom: 40 },
    xAxis: { type: 'value', inverse: c.rtl, axisLabel: { formatter: (v: number) => abs(v) } },
    yAxis: { type: 'category', data: cats, position: c.rtl ? 'right' : 'left', axisTick: { show: false } },
    series: [
      { type: 'bar', stack: 'p', name: `${c.t('flows.count.men')} / ${c.t('flows.count.boys')}`, data: male, color: COLORS.male, label: { show: true, formatter: (p: { value: number }) => abs(p.value) } },
      { type: 'bar', stack: 'p', name: `${c.t('flows.count.women')} / ${c.t('flows.count.girls')}`, data: female, color: COLORS.female, label: { show: true, formatter: (p: { value: number }) => abs(p.value) } },
    ],
  };
}

/**
 * Survey answers as shares: of the surveys (raw) and of the counted flow (weighted). Multi-select
 * answers (documents, reasons) add up to more than 100 %.
 */
export function sharesOption(items: SurveyItem[], totals: { surveys: number; weighted: number }, label: (k: string) => string, c: Ctx): EChartsCoreOption {
  const list = items.slice(0, 12).reverse();
  const names = list.map((i) => label(i.key));
  return {
    textStyle: font,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps: { dataIndex: number }[]) => {
        const i = list[ps[0].dataIndex];
        return `<b>${names[ps[0].dataIndex]}</b><br/>${c.t('dashboards.surveys.weighted')}: ${c.number(i.weighted)} (${pct(i.weighted, totals.weighted)} %)<br/>${c.t('dashboards.surveys.raw')}: ${c.number(i.surveys)} (${pct(i.surveys, totals.surveys)} %) · ${c.t('dashboards.surveys.people')}: ${c.number(i.people)}`;
      },
    },
    legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
    xAxis: { type: 'value', max: (v: { max: number }) => Math.max(10, Math.ceil(v.max / 10) * 10), inverse: c.rtl, axisLabel: { formatter: '{value} %' } },
    yAxis: { type: 'category', data: names, position: c.rtl ? 'right' : 'left' },
    series: [
      { type: 'bar', name: c.t('dashboards.surveys.weightedShare'), data: list.map((i) => pct(i.weighted, totals.weighted)), color: COLORS.weighted, barGap: '10%' },
      { type: 'bar', name: c.t('dashboards.surveys.rawShare'), data: list.map((i) => pct(i.surveys, totals.surveys)), color: COLORS.raw },
    ],
  };
}
