import { useMemo } from 'react';
import { Alert, Button, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DateLabel } from '../../shell/DateLabel';
import { Loading, useErrorMessage } from '../../shell/states';
import { useBoundaries, useOperation } from '../places/api';
import { EChart } from './EChart';
import { DestinationMap } from './DestinationMap';
import { TopDestinations } from './DashboardPage';
import { addDays, isoWeekOf, mondayOfIsoWeek, today, useDashboard } from './api';
import { pyramidOption, reasonsOption, seriesOption, sharesOption } from './options';
import { Figure, useAnswerLabel, useChartContext, weekChange } from './shared';
import './dashboards.css';

function weekFromUrl(): string {
  const w = new URLSearchParams(window.location.search).get('week');
  if (w && mondayOfIsoWeek(w)) return w;
  return isoWeekOf(addDays(today(), -7));
}

/** The printable weekly snapshot (A4): headline figures, charts and top destinations of one ISO week. */
export default function SnapshotPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ strict: false }) as { op: string };
  const errorText = useErrorMessage();
  const week = weekFromUrl();
  const from = mondayOfIsoWeek(week)!;
  const to = addDays(from, 6);
  const operation = useOperation(op);
  const q = useDashboard(op, { from, to, granularity: 'day' });
  const d = q.data;
  const c = useChartContext(op, d, 'day');
  const answer = useAnswerLabel();
  const districts = useBoundaries(op, 2, true);
  const hijri = operation.data?.solarHijri ?? false;
  const charts = useMemo(() => {
    if (!d) return null;
    const totals = { surveys: d.surveys.surveys, weighted: d.surveys.weightedTotal };
    return {
      series: seriesOption(d, 'in', c),
      reasons: reasonsOption(d, c),
      pyramid: pyramidOption(d.inflow, c),
      doc: sharesOption(d.surveys.dims.doc ?? [], totals, (k) => answer('doc', k), c),
      reason: sharesOption(d.surveys.dims.reason ?? [], totals, (k) => answer('reason', k), c),
    };
  }, [d, c, answer]);
  const districtName = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of districts.data?.features ?? []) m.set(f.properties.pcode, i18n.language !== 'en' && f.properties.nameLocal ? f.properties.nameLocal : f.properties.name);
    return (p: string) => m.get(p) ?? p;
  }, [districts.data, i18n.language]);
  const go = (w: string) => {
    if (mondayOfIsoWeek(w)) window.location.search = `?week=${w}`;
  };

  return (
    <Stack gap="sm" className="dash-snapshot" data-testid="flows-snapshot">
      <Group justify="space-between" className="no-print">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => go(isoWeekOf(addDays(from, -7)))}>
            {t('dashboards.snapshot.previous')}
          </Button>
          <TextInput size="xs" defaultValue={week} onBlur={(e) => go(e.currentTarget.value.trim())} aria-label={t('dashboards.snapshot.week')} w={110} />
          <Button variant="default" size="xs" onClick={() => go(isoWeekOf(addDays(from, 7)))}>
            {t('dashboards.snapshot.next')}
          </Button>
        </Group>
        <Button size="xs" onClick={() => window.print()}>
          {t('dashboards.snapshot.print')}
        </Button>
      </Group>

      <header>
        <Title order={2}>{t('dashboards.snapshot.title', { operation: op, week })}</Title>
        <Group gap={6} data-testid="snapshot-dates">
          <DateLabel value={`${from}T12:00:00Z`} solarHijri={hijri} timeZone="UTC" />
          <Text>–</Text>
          <DateLabel value={`${to}T12:00:00Z`} solarHijri={hijri} timeZone="UTC" />
        </Group>
        {d?.mode === 'published' ? <Text size="sm">{t('dashboards.publishedOnly')}</Text> : null}
      </header>

      {q.isPending ? <Loading /> : null}
      {q.error ? <Alert color="red">{errorText(q.error)}</Alert> : null}
      {d && charts ? (
        <>
          <SimpleGrid cols={4} spacing="xs" className="snapshot-figures">
            <Figure label={t('dashboards.headline.inflow')} value={c.number(d.headline.inflow)} testId="snapshot-inflow" />
            <Figure label={t('dashboards.headline.outflow')} value={c.number(d.headline.outflow)} />
            <Figure label={t('dashboards.headline.surveys')} value={c.number(d.headline.surveys)} />
            <Figure label={t('dashboards.headline.weekOnWeek')} value={weekChange(d.headline.weekOnWeekPct, c.number)} />
          </SimpleGrid>
          <SimpleGrid cols={2} spacing="xs">
            <section>
              <Text fw={600}>{t('dashboards.charts.inflowByBcp')}</Text>
              <EChart option={charts.series} height={220} renderer="svg" testId="snapshot-series" label={t('dashboards.charts.inflowByBcp')} />
            </section>
            <section>
              <Text fw={600}>{t('dashboards.charts.deportedSpontaneous')}</Text>
              <EChart option={charts.reasons} height={220} renderer="svg" label={t('dashboards.charts.deportedSpontaneous')} />
            </section>
            <section>
              <Text fw={600}>{t('dashboards.charts.pyramid')}</Text>
              <EChart option={charts.pyramid} height={180} renderer="svg" label={t('dashboards.charts.pyramid')} />
            </section>
            <section>
              <Text fw={600}>{t('flows.survey.documents')}</Text>
              <EChart option={charts.doc} height={180} renderer="svg" label={t('flows.survey.documents')} />
            </section>
          </SimpleGrid>
          <div className="page-break-avoid">
            <Text fw={600}>{t('dashboards.map.title')}</Text>
            <SimpleGrid cols={2} spacing="xs">
              <DestinationMap operation={op} level={1} items={d.surveys.dims.adm1 ?? []} weightedTotal={d.surveys.weightedTotal} number={c.number} renderer="svg" height={300} />
              <TopDestinations items={d.surveys.dims.adm2 ?? []} name={districtName} number={c.number} limit={10} />
            </SimpleGrid>
          </div>
          <Text size="xs" c="dimmed">
            {t('dashboards.snapshot.footnote', { weighted: c.number(d.surveys.weightedTotal), counted: c.number(d.surveys.countedInWeeks) })}
          </Text>
        </>
      ) : null}
    </Stack>
  );
}
