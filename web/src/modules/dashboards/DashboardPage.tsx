import { lazy, Suspense, useMemo, useState } from 'react';
import { Alert, Badge, Group, MultiSelect, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useErrorMessage, Loading } from '../../shell/states';
import { AnchorLink } from '../../shell/links';
import { useBoundaries, useSites } from '../places/api';
import { siteLabel } from '../flows/shared';
import { EChart } from './EChart';
import { DestinationMap } from './DestinationMap';
import { addDays, isDate, isoWeekOf, today, useDashboard, type DashboardFilters, type Granularity } from './api';
import { pyramidOption, reasonsOption, seriesOption, sharesOption } from './options';
import { Figure, useAnswerLabel, useChartContext, weekChange } from './shared';
import './dashboards.css';

// Helper H5's surge-alerts banner (web/src/modules/flows/AlertsBanner.tsx), loaded on demand.
const AlertsBanner = lazy(() => import('../flows/AlertsBanner'));

function initialFilters(): DashboardFilters {
  const s = new URLSearchParams(window.location.search);
  const to = isDate(s.get('to')) ? s.get('to')! : today();
  const from = isDate(s.get('from')) ? s.get('from')! : addDays(to, -90);
  const g = s.get('granularity');
  const dir = s.get('direction');
  return {
    from,
    to,
    granularity: g === 'day' || g === 'month' ? g : 'week',
    sites: s.get('sites') || undefined,
    direction: dir === 'in' || dir === 'out' ? dir : undefined,
    neighbour: s.get('neighbour') || undefined,
  };
}

/** The DTM flow dashboard: filters, headline figures, flow over time, composition, survey answers weighted to the counted flow, destinations on the map. */
export default function DashboardPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ strict: false }) as { op: string };
  const errorText = useErrorMessage();
  const [filters, setFilters] = useState<DashboardFilters>(initialFilters);
  const [seriesDir, setSeriesDir] = useState<'in' | 'out'>('in');
  const [level, setLevel] = useState<'1' | '2' | 'baseline'>('2');
  const q = useDashboard(op, filters);
  const d = q.data;
  const c = useChartContext(op, d, filters.granularity);
  const answer = useAnswerLabel();
  const sites = useSites(op);
  const districts = useBoundaries(op, 2, true);
  const bcps = (sites.data?.items ?? []).filter((s) => s.flowMonitoring);

  const update = (patch: Partial<DashboardFilters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) params.set(k, String(v));
    window.history.replaceState(window.history.state, '', `${window.location.pathname}?${params}`);
  };

  const charts = useMemo(() => {
    if (!d) return null;
    const totals = { surveys: d.surveys.surveys, weighted: d.surveys.weightedTotal };
    const shares = (dim: string) => sharesOption(d.surveys.dims[dim] ?? [], totals, (k) => answer(dim, k), c);
    return {
      series: seriesOption(d, seriesDir, c),
      reasons: reasonsOption(d, c),
      pyramid: pyramidOption(filters.direction === 'out' ? d.outflow : d.inflow, c),
      doc: shares('doc'),
      reason: shares('reason'),
      stay: shares('stay'),
    };
  }, [d, c, seriesDir, filters.direction, answer]);

  const districtName = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of districts.data?.features ?? []) m.set(f.properties.pcode, i18n.language !== 'en' && f.properties.nameLocal ? f.properties.nameLocal : f.properties.name);
    return (p: string) => m.get(p) ?? (p || t('dashboards.surveys.notAnswered'));
  }, [districts.data, i18n.language, t]);

  const tooLong = filters.granularity === 'day' && (Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000 + 1 > 400;

  return (
    <Stack gap="md" className="dash-page" data-testid="flows-dashboard">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('dashboards.title')}</Title>
        <Group gap="md">
          {d?.mode === 'published' ? <Badge color="gray">{t('dashboards.publishedOnly')}</Badge> : null}
          <AnchorLink to="/op/$op/flows" params={{ op }}>
            {t('dashboards.toCounts')}
          </AnchorLink>
          <a href={`/op/${op}/flows/snapshot?week=${isoWeekOf(filters.to)}`} data-testid="snapshot-link">
            {t('dashboards.snapshotLink')}
          </a>
        </Group>
      </Group>

      <Suspense fallback={null}>
        <AlertsBanner operation={op} />
      </Suspense>

      <Paper withBorder p="sm" className="dash-filters">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput type="date" label={t('dashboards.filters.from')} value={filters.from} max={filters.to} onChange={(e) => isDate(e.currentTarget.value) && update({ from: e.currentTarget.value })} data-testid="filter-from" />
          <TextInput type="date" label={t('dashboards.filters.to')} value={filters.to} min={filters.from} onChange={(e) => isDate(e.currentTarget.value) && update({ to: e.currentTarget.value })} data-testid="filter-to" />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('dashboards.filters.granularity')}
            </Text>
            <SegmentedControl
              value={filters.granularity}
              onChange={(v) => update({ granularity: v as Granularity })}
              data={[
                { value: 'day', label: t('dashboards.granularity.day') },
                { value: 'week', label: t('dashboards.granularity.week') },
                { value: 'month', label: t('dashboards.granularity.month') },
              ]}
              data-testid="granularity"
            />
          </Stack>
          <MultiSelect
            label={t('dashboards.filters.bcps')}
            placeholder={filters.sites ? undefined : t('dashboards.filters.allBcps')}
            data={bcps.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))}
            value={filters.sites ? filters.sites.split(',') : []}
            onChange={(v) => update({ sites: v.length ? v.join(',') : undefined })}
            clearable
            searchable
            miw={220}
            maw={420}
          />
          <Select
            label={t('dashboards.filters.direction')}
            data={[
              { value: 'both', label: t('dashboards.filters.bothDirections') },
              { value: 'in', label: t('flows.direction.in') },
              { value: 'out', label: t('flows.direction.out') },
            ]}
            value={filters.direction ?? 'both'}
            onChange={(v) => update({ direction: v === 'in' || v === 'out' ? v : undefined })}
            allowDeselect={false}
            w={150}
          />
          <Select
            label={t('dashboards.filters.neighbour')}
            data={[
              { value: 'all', label: t('dashboards.filters.allCountries') },
              { value: 'PAK', label: t('flows.country.PAK') },
              { value: 'IRN', label: t('flows.country.IRN') },
            ]}
            value={filters.neighbour ?? 'all'}
            onChange={(v) => update({ neighbour: v && v !== 'all' ? v : undefined })}
            allowDeselect={false}
            w={150}
          />
        </Group>
        {tooLong ? (
          <Text size="sm" c="orange" mt="xs">
            {t('dashboards.filters.dayLimit')}
          </Text>
        ) : null}
      </Paper>

      {q.isPending ? <Loading /> : null}
      {q.error && !tooLong ? <Alert color="red">{errorText(q.error)}</Alert> : null}
      {d && charts ? (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
            <Figure label={t('dashboards.headline.inflow')} value={c.number(d.headline.inflow)} testId="headline-inflow" />
            <Figure label={t('dashboards.headline.outflow')} value={c.number(d.headline.outflow)} testId="headline-outflow" />
            <Figure label={t('dashboards.headline.surveys')} value={c.number(d.headline.surveys)} note={t('dashboards.headline.surveysNote')} testId="headline-surveys" />
            <Figure
              label={t('dashboards.headline.weekOnWeek')}
              value={weekChange(d.headline.weekOnWeekPct, c.number)}
              note={t('dashboards.headline.weekOnWeekNote', { last: c.number(d.headline.lastWeekInflow), previous: c.number(d.headline.previousWeekInflow) })}
              testId="headline-wow"
            />
          </SimpleGrid>

          <Paper withBorder p="sm">
            <Group justify="space-between">
              <Title order={4}>{t('dashboards.charts.overTime')}</Title>
              <SegmentedControl
                size="xs"
                value={seriesDir}
                onChange={(v) => setSeriesDir(v as 'in' | 'out')}
                data={[
                  { value: 'in', label: t('flows.direction.in') },
                  { value: 'out', label: t('flows.direction.out') },
                ]}
              />
            </Group>
            <EChart option={charts.series} height={320} testId="chart-series" label={t('dashboards.charts.overTime')} />
          </Paper>

          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            <Paper withBorder p="sm">
              <Title order={4}>{t('dashboards.charts.deportedSpontaneous')}</Title>
              <EChart option={charts.reasons} height={280} testId="chart-reasons" label={t('dashboards.charts.deportedSpontaneous')} />
            </Paper>
            <Paper withBorder p="sm">
              <Title order={4}>{t('dashboards.charts.pyramid')}</Title>
              <EChart option={charts.pyramid} height={280} testId="chart-pyramid" label={t('dashboards.charts.pyramid')} />
            </Paper>
          </SimpleGrid>

          <Paper withBorder p="sm">
            <Title order={4}>{t('dashboards.surveys.title')}</Title>
            <Text size="sm" c="dimmed" data-testid="survey-coverage">
              {t('dashboards.surveys.explain', {
                surveys: c.number(d.surveys.surveys),
                people: c.number(d.surveys.people),
                weighted: c.number(d.surveys.weightedTotal),
                counted: c.number(d.surveys.countedInWeeks),
                from: d.surveys.weeks.from ?? '–',
                to: d.surveys.weeks.to ?? '–',
              })}
            </Text>
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm" mt="sm">
              <div>
                <Text fw={600}>{t('flows.survey.documents')}</Text>
                <EChart option={charts.doc} height={260} testId="chart-documents" label={t('flows.survey.documents')} />
              </div>
              <div>
                <Text fw={600}>{t('flows.survey.reasons')}</Text>
                <EChart option={charts.reason} height={260} testId="chart-survey-reasons" label={t('flows.survey.reasons')} />
              </div>
              <div>
                <Text fw={600}>{t('flows.survey.intendedStay')}</Text>
                <EChart option={charts.stay} height={260} testId="chart-stay" label={t('flows.survey.intendedStay')} />
              </div>
            </SimpleGrid>
          </Paper>

          <Paper withBorder p="sm">
            <Group justify="space-between">
              <Title order={4}>{t('dashboards.map.title')}</Title>
              <SegmentedControl
                size="xs"
                value={level}
                onChange={(v) => setLevel(v as '1' | '2' | 'baseline')}
                data={[
                  { value: '1', label: t('dashboards.map.provinces') },
                  { value: '2', label: t('dashboards.map.districts') },
                  ...(d.baseline ? [{ value: 'baseline', label: t('dashboards.map.baselineLayer') }] : []),
                ]}
              />
            </Group>
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
              <div style={{ gridColumn: 'span 2' }}>
                {level === 'baseline' && d.baseline ? (
                  <DestinationMap
                    operation={op}
                    level={2}
                    items={d.baseline.districts.map((x) => ({ key: x.pcode, weighted: x.idps, surveys: 0, people: 0 }))}
                    weightedTotal={d.baseline.districts.reduce((a, x) => a + x.idps, 0)}
                    number={c.number}
                    valueLabel={t('dashboards.map.baselineIdps')}
                    testId="chart-map-baseline"
                  />
                ) : (
                  <DestinationMap operation={op} level={level === '1' ? 1 : 2} items={d.surveys.dims[level === '1' ? 'adm1' : 'adm2'] ?? []} weightedTotal={d.surveys.weightedTotal} number={c.number} />
                )}
              </div>
              <TopDestinations items={d.surveys.dims.adm2 ?? []} name={districtName} number={c.number} />
            </SimpleGrid>
            <Text size="xs" c="dimmed" mt="xs">
              {d.baseline ? t('dashboards.map.baselineShown', { round: d.baseline.roundNumber, date: d.baseline.referenceDate }) : t('dashboards.map.baselineMissing')}
            </Text>
          </Paper>
        </>
      ) : null}
    </Stack>
  );
}

export function TopDestinations({ items, name, number, limit = 10 }: { items: { key: string; surveys: number; weighted: number }[]; name: (p: string) => string; number: (n: number) => string; limit?: number }) {
  const { t } = useTranslation();
  const list = items.filter((i) => i.key).slice(0, limit);
  return (
    <Table striped withTableBorder fz="sm" data-testid="top-destinations">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('dashboards.map.district')}</Table.Th>
          <Table.Th ta="end">{t('dashboards.surveys.weighted')}</Table.Th>
          <Table.Th ta="end">{t('dashboards.surveys.raw')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((i) => (
          <Table.Tr key={i.key}>
            <Table.Td>{name(i.key)}</Table.Td>
            <Table.Td ta="end">{number(i.weighted)}</Table.Td>
            <Table.Td ta="end">{number(i.surveys)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
