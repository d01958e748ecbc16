import { lazy, Suspense, useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, CloseButton, Grid, Group, Modal, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '../../shell/links';
import { DateLabel } from '../../shell/DateLabel';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { can, useMe } from '../../shell/session';
import { useFormat } from '../../lib/format';
import { useBoundaries, useOperation } from '../places/api';
import { displayName } from '../places/names';
import { exportUrl, useAssessments, useRound, useRoundSummary, useRoundTransition, type AssessmentView, type RoundAction, type RoundSummary, type RoundView } from './api';
import { BaselineForm, EventForm, SiteForm } from './AssessmentForms';
import { StatusBadge } from './labels';

const DistrictMap = lazy(() => import('../places/DistrictMap'));

type Indicator = 'returnees' | 'idps' | 'idpReturnees' | 'outMigrants' | 'affectedHh' | 'displacedHh' | 'individuals';
const INDICATORS: Record<RoundView['kind'], Indicator[]> = {
  baseline: ['returnees', 'idps', 'idpReturnees', 'outMigrants'],
  site: ['individuals'],
  event: ['affectedHh', 'displacedHh'],
};

const NEXT: Record<string, { action: RoundAction; permission: string } | undefined> = {
  draft: { action: 'submit', permission: 'mobility.write' },
  submitted: { action: 'verify', permission: 'mobility.verify' },
  verified: { action: 'publish', permission: 'mobility.verify' },
};

function Figure({ label, value }: { label: string; value: number }) {
  const f = useFormat();
  return (
    <Card withBorder padding="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid="figure">
        {f.number(value)}
      </Text>
    </Card>
  );
}

function Totals({ round, summary }: { round: RoundView; summary: RoundSummary }) {
  const { t } = useTranslation();
  const s = summary.totals;
  const items: [string, number][] =
    round.kind === 'baseline'
      ? [
          [t('mobility.group.idps'), s.idps],
          [t('mobility.group.returnees'), s.returnees],
          [t('mobility.group.idpReturnees'), s.idpReturnees],
          [t('mobility.group.outMigrants'), s.outMigrants],
        ]
      : round.kind === 'site'
        ? [
            [t('mobility.form.individuals'), s.individuals],
            [t('mobility.form.households'), s.households],
          ]
        : [
            [t('mobility.form.affectedHh'), s.affectedHh],
            [t('mobility.form.displacedHh'), s.displacedHh],
            [t('mobility.form.displacedInd'), s.displacedInd],
            [t('mobility.form.damagedShelters'), s.damagedShelters],
            [t('mobility.form.destroyedShelters'), s.destroyedShelters],
          ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="round-totals">
      {items.map(([label, value]) => (
        <Figure key={label} label={label} value={value} />
      ))}
      <Figure label={t('mobility.round.districts')} value={summary.districts.length} />
    </SimpleGrid>
  );
}

function Row({ a, kind, onEdit }: { a: AssessmentView; kind: RoundView['kind']; onEdit?: (a: AssessmentView) => void }) {
  const f = useFormat();
  const { t, i18n } = useTranslation();
  const local = (name: string | null, nameLocal: string | null, code: string) => (name ? displayName({ name, nameLocal }, i18n.language) : code);
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : f.number(v));
  return (
    <Table.Tr>
      <Table.Td>{local(a.admin1Name, a.admin1NameLocal, a.admin1Pcode)}</Table.Td>
      <Table.Td>
        {local(a.admin2Name, a.admin2NameLocal, a.admin2Pcode)}{' '}
        <Text span size="xs" c="dimmed" dir="ltr">
          {a.admin2Pcode}
        </Text>
        {(a.siteName || a.settlement) && (
          <Text size="xs" c="dimmed">
            {a.siteName ?? a.settlement}
          </Text>
        )}
      </Table.Td>
      {kind === 'baseline' && a.figures ? (
        <>
          <Table.Td>{n(a.figures.idps.ind)}</Table.Td>
          <Table.Td>{n(a.figures.returnees.ind)}</Table.Td>
          <Table.Td>{n(a.figures.idpReturnees.ind)}</Table.Td>
          <Table.Td>{n(a.figures.outMigrants.ind)}</Table.Td>
        </>
      ) : kind === 'site' ? (
        <>
          <Table.Td>{n(a.individuals)}</Table.Td>
          <Table.Td>{n(a.households)}</Table.Td>
          <Table.Td>{(a.priorityNeeds ?? []).join(' › ')}</Table.Td>
        </>
      ) : (
        <>
          <Table.Td>{a.eventType ? t(`mobility.event.${a.eventType}`) : '—'}</Table.Td>
          <Table.Td>{n(a.affectedHh)}</Table.Td>
          <Table.Td>{n(a.displacedHh)}</Table.Td>
          <Table.Td>{a.displacedInd === null ? '—' : n(a.displacedInd)}</Table.Td>
          <Table.Td>{n((a.damagedShelters ?? 0) + (a.destroyedShelters ?? 0))}</Table.Td>
          <Table.Td>{(a.priorityNeeds ?? []).join(' › ')}</Table.Td>
        </>
      )}
      <Table.Td>{a.version}</Table.Td>
      {onEdit && (
        <Table.Td>
          <Button size="compact-xs" variant="subtle" onClick={() => onEdit(a)} data-testid={`edit-${a.admin2Pcode}`}>
            {t('mobility.correct')}
          </Button>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function AssessmentsTable({ round, area, onClear, onEdit }: { round: RoundView; area: string | null; onClear: () => void; onEdit?: (a: AssessmentView) => void }) {
  const { t } = useTranslation();
  const list = useAssessments(round.id, area ? { area } : {});
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const heads =
    round.kind === 'baseline'
      ? ['mobility.group.idps', 'mobility.group.returnees', 'mobility.group.idpReturnees', 'mobility.group.outMigrants']
      : round.kind === 'site'
        ? ['mobility.form.individuals', 'mobility.form.households', 'mobility.form.needs']
        : ['mobility.form.eventType', 'mobility.form.affectedHh', 'mobility.form.displacedHh', 'mobility.form.displacedInd', 'mobility.form.shelters', 'mobility.form.needs'];
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          {t('mobility.round.rows', { count: list.data?.pages[0]?.total ?? 0 })}
        </Text>
        {area && (
          <Badge variant="light" rightSection={<CloseButton size="xs" onClick={onClear} aria-label={t('mobility.clearArea')} />}>
            {area}
          </Badge>
        )}
      </Group>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} />
      ) : !items.length ? (
        <Empty>{t('mobility.round.empty')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="assessments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mobility.form.province')}</Table.Th>
                <Table.Th>{t('mobility.form.district')}</Table.Th>
                {heads.map((h) => (
                  <Table.Th key={h}>{t(h)}</Table.Th>
                ))}
                <Table.Th>{t('mobility.version')}</Table.Th>
                {onEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Row key={a.id} a={a} kind={round.kind} onEdit={onEdit} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('mobility.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

export default function RoundPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op, roundId } = useParams({ from: '/app/op/$op/mobility/rounds/$roundId' });
  const me = useMe();
  const operation = useOperation(op);
  const round = useRound(roundId);
  const summary = useRoundSummary(roundId);
  const transition = useRoundTransition(roundId);
  const provinces = useBoundaries(op, 1, true);
  const districts = useBoundaries(op, 2, true);
  const [indicator, setIndicator] = useState<Indicator | null>(null);
  const [area, setArea] = useState<string | null>(null);
  const [editing, setEditing] = useState<AssessmentView | null>(null);

  const r = round.data;
  const shown: Indicator | null = r ? (indicator && INDICATORS[r.kind].includes(indicator) ? indicator : INDICATORS[r.kind][0]!) : null;
  const { shades, max } = useMemo(() => {
    if (!summary.data || !shown) return { shades: null, max: 0 };
    const values = summary.data.districts.map((d) => [d.admin2Pcode, d[shown]] as const);
    const top = Math.max(0, ...values.map(([, v]) => v));
    // Square root: a few very large districts should not wash out the others.
    return { shades: Object.fromEntries(values.map(([p, v]) => [p, top ? Math.sqrt(v / top) : 0])), max: top };
  }, [summary.data, shown]);

  if (round.isPending) return <Loading />;
  if (round.error || !r) return <ErrorState error={round.error} onRetry={() => void round.refetch()} />;
  const next = NEXT[r.status];
  // A round is operation-wide: only someone whose grant covers the whole operation moves it on.
  const operationWide = (me.data?.grants ?? []).some((g) => g.operationId === op && !g.areaPcode);
  const mayEnter = can(me.data, 'mobility.write', op) && (r.status === 'draft' || r.status === 'submitted');
  const indicatorLabel = (i: Indicator) => t(i.endsWith('Hh') || i === 'individuals' ? `mobility.form.${i}` : `mobility.group.${i}`);

  return (
    <Stack gap="sm">
      <AnchorLink to="/op/$op/mobility" params={{ op }} size="sm">
        ‹ {t('mobility.title')}
      </AnchorLink>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} data-testid="round-title">
            {r.name}
          </Title>
          <Group gap="xs">
            <Badge variant="light" color="gray">
              {t(`mobility.kind.${r.kind}`)} · {t('mobility.round.numberShort', { n: f.number(r.roundNumber) })}
            </Badge>
            <StatusBadge status={r.status} />
            <Text size="sm" c="dimmed">
              <DateLabel value={r.referenceDate} solarHijri={operation.data?.solarHijri} />
            </Text>
          </Group>
        </Stack>
        <Group gap="xs">
          <Anchor href={exportUrl(r.id, 'csv')} size="sm" data-testid="export-csv">
            CSV
          </Anchor>
          <Anchor href={exportUrl(r.id, 'xlsx')} size="sm">
            XLSX
          </Anchor>
          {next && can(me.data, next.permission, op) && operationWide && !(next.action === 'submit' && r.assessments === 0) && (
            <Button onClick={() => transition.mutate(next.action)} loading={transition.isPending} data-testid={`round-${next.action}`}>
              {t(`mobility.action.${next.action}`)}
            </Button>
          )}
        </Group>
      </Group>
      {transition.error ? <ErrorState error={transition.error} /> : null}
      {summary.data && <Totals round={r} summary={summary.data} />}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder padding="xs" h="100%">
            <Stack gap="xs" h="100%">
              <Group justify="space-between">
                <SegmentedControl size="xs" value={shown ?? ''} onChange={(v) => setIndicator(v as Indicator)} data={INDICATORS[r.kind].map((i) => ({ value: i, label: indicatorLabel(i) }))} data-testid="map-indicator" />
                {shown && (
                  <Text size="xs" c="dimmed">
                    {t('mobility.legend', { max: f.number(max) })}
                  </Text>
                )}
              </Group>
              <div style={{ height: 420 }}>
                {provinces.error || districts.error ? (
                  <Alert color="yellow">{t('mobility.noMap')}</Alert>
                ) : (
                  <Suspense fallback={<Loading />}>
                    <DistrictMap provinces={provinces.data ?? null} districts={districts.data ?? null} sites={[]} selected={area} onSelect={setArea} shades={shades} />
                  </Suspense>
                )}
              </div>
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          {mayEnter ? (
            <Card withBorder padding="sm">
              <Title order={5} mb="xs">
                {t(`mobility.form.title.${r.kind}`)}
              </Title>
              {r.kind === 'baseline' ? <BaselineForm op={op} roundId={r.id} /> : r.kind === 'site' ? <SiteForm op={op} roundId={r.id} /> : <EventForm op={op} roundId={r.id} />}
            </Card>
          ) : (
            <Alert color="gray">{t(r.status === 'verified' || r.status === 'published' ? 'mobility.frozen' : 'mobility.readOnly')}</Alert>
          )}
        </Grid.Col>
      </Grid>
      <AssessmentsTable round={r} area={area} onClear={() => setArea(null)} onEdit={mayEnter ? setEditing : undefined} />
      <Modal opened={!!editing} onClose={() => setEditing(null)} title={t('mobility.correctTitle', { version: editing?.version ?? 1 })} size="xl">
        {editing && (() => {
          const props = { op, roundId: r.id, editing, onSaved: () => setEditing(null) };
          return r.kind === 'baseline' ? <BaselineForm {...props} /> : r.kind === 'site' ? <SiteForm {...props} /> : <EventForm {...props} />;
        })()}
      </Modal>
    </Stack>
  );
}
