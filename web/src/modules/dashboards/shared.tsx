import { useMemo } from 'react';
import { Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';
import { useSites } from '../places/api';
import { siteLabel } from '../flows/shared';
import type { DashboardView, Granularity } from './api';

/** Everything the chart builders need: translations, direction, number format, names. */
export function useChartContext(operation: string, data: DashboardView | undefined, granularity: Granularity) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const sites = useSites(operation);
  const rtl = i18n.dir() === 'rtl';
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const s of sites.data?.items ?? []) names.set(s.id, siteLabel(s, f.lang));
    for (const s of data?.sites ?? []) if (!names.has(s.id)) names.set(s.id, s.name);
    const monthFmt = new Intl.DateTimeFormat(f.lang === 'en' ? 'en-GB' : f.lang, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    return {
      t,
      rtl,
      lang: f.lang,
      number: (n: number) => f.number(n),
      siteName: (id: string) => names.get(id) ?? id,
      bucketLabel: (b: string) => (granularity === 'month' ? monthFmt.format(new Date(`${b}T00:00:00Z`)) : f.date(`${b}T00:00:00Z`, { style: 'short', timeZone: 'UTC' })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, rtl, f.lang, sites.data, data?.sites, granularity]);
}

/** The label of a survey answer key in a dimension. */
export function useAnswerLabel() {
  const { t } = useTranslation();
  return (dim: string, key: string): string => {
    if (!key) return t('dashboards.surveys.notAnswered');
    if (dim === 'doc') return t(`flows.documents.${key}`, key);
    if (dim === 'reason') return t(`flows.reasons.${key}`, key);
    if (dim === 'stay') return t(`flows.stay.${key}`, key);
    if (dim === 'origin') return t(`flows.country.${key}`, key);
    return key;
  };
}

export function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" className="dash-figure" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} lh={1.2}>
        {value}
      </Text>
      {note ? (
        <Text size="xs" c="dimmed">
          {note}
        </Text>
      ) : null}
    </Paper>
  );
}

export function weekChange(pctValue: number | null, number: (n: number) => string): string {
  if (pctValue === null) return '–';
  const sign = pctValue > 0 ? '+' : pctValue < 0 ? '−' : '';
  return `${sign}${number(Math.abs(pctValue))} %`;
}
