import { useState } from 'react';
import { Alert, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { can, useMe } from '../../shell/session';
import { ErrorState, Loading } from '../../shell/states';
import { DateLabel } from '../../shell/DateLabel';
import { fieldErrors } from '../../shell/forms';
import { useFormat } from '../../lib/format';
import { useCorrectCount, useCount, useCountTransition, type CountAction, type CountDetail } from './api';
import { FiguresFields, figuresBody, figuresOf, sumChecks, type Figures } from './figures';
import { directionLabel, StatusBadge } from './shared';

/** One count: current figures, workflow buttons, the correction form and every version. */
export default function CountDetailPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op, countId } = useParams({ from: '/app/op/$op/flows/counts/$countId' });
  const me = useMe();
  const q = useCount(countId);
  const transition = useCountTransition(countId);
  const [correcting, setCorrecting] = useState(false);

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;
  const write = can(me.data, 'flows.count.write', op);
  const verify = can(me.data, 'flows.verify', op);
  const actions: { action: CountAction; allowed: boolean; from: string }[] = [
    { action: 'submit', allowed: write, from: 'draft' },
    { action: 'verify', allowed: verify, from: 'submitted' },
    { action: 'publish', allowed: verify, from: 'verified' },
  ];
  const next = actions.find((a) => a.from === c.status && a.allowed);

  const figure = (label: string, v: number | null) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={500}>{v === null ? '—' : f.number(v)}</Text>
    </div>
  );

  return (
    <Stack gap="sm" maw={760}>
      <Group justify="space-between" wrap="wrap">
        <Stack gap={0}>
          <Title order={3}>
            {c.siteName} · {directionLabel(t, c.direction)}
          </Title>
          <Text c="dimmed" size="sm">
            <DateLabel value={c.date} timeZone="UTC" solarHijri={op === 'AFG' || op === 'IRN'} /> · {t(`flows.country.${c.neighbourCountry}`, { defaultValue: c.neighbourCountry })} · {t('flows.count.version', { n: f.number(c.version) })}
          </Text>
        </Stack>
        <StatusBadge status={c.status} />
      </Group>
      <Card withBorder padding="sm">
        <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs">
          {figure(t('flows.count.total'), c.total)}
          {figure(t('flows.count.men'), c.men)}
          {figure(t('flows.count.women'), c.women)}
          {figure(t('flows.count.boys'), c.boys)}
          {figure(t('flows.count.girls'), c.girls)}
          {figure(t('flows.count.afghan'), c.afghan)}
          {figure(t('flows.count.otherNationality'), c.otherNationality)}
          {c.direction === 'in' && figure(t('flows.count.deported'), c.deported)}
          {c.direction === 'in' && figure(t('flows.count.spontaneous'), c.spontaneous)}
          {c.direction === 'in' && figure(t('flows.count.otherReason'), c.otherReason)}
          {figure(t('flows.transport.foot'), c.transport.foot)}
          {figure(t('flows.transport.car'), c.transport.car)}
          {figure(t('flows.transport.bus'), c.transport.bus)}
          {figure(t('flows.transport.truck'), c.transport.truck)}
          {figure(t('flows.transport.other'), c.transport.other)}
        </SimpleGrid>
        {c.notes && (
          <Text size="sm" mt="xs">
            {c.notes}
          </Text>
        )}
      </Card>
      <Group gap="xs">
        {next && (
          <Button onClick={() => transition.mutate(next.action)} loading={transition.isPending} data-testid={`count-${next.action}`}>
            {t(`flows.count.action.${next.action}`)}
          </Button>
        )}
        {write && !correcting && (
          <Button variant="light" onClick={() => setCorrecting(true)} data-testid="count-correct">
            {t('flows.count.correct')}
          </Button>
        )}
      </Group>
      {transition.isError && <ErrorState error={transition.error} />}
      {correcting && <Correction count={c} onDone={() => setCorrecting(false)} onReload={() => void q.refetch()} />}
      <Title order={4}>{t('flows.count.history')}</Title>
      <Table.ScrollContainer minWidth={360}>
        <Table data-testid="count-history" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('flows.count.versionShort')}</Table.Th>
              <Table.Th>{t('flows.filters.status')}</Table.Th>
              <Table.Th ta="end">{t('flows.count.total')}</Table.Th>
              <Table.Th>{t('flows.count.createdAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.history.map((v) => (
              <Table.Tr key={v.version} fw={v.current ? 600 : undefined}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td>
                  <StatusBadge status={v.status} />
                  {(v.published ?? v.verified ?? v.submitted) && (
                    <Text size="xs" c="dimmed">
                      <DateLabel value={(v.published ?? v.verified ?? v.submitted)!.at} time size="xs" />
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="end">{f.number(v.total)}</Table.Td>
                <Table.Td>
                  <DateLabel value={v.createdAt} time size="sm" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** A correction: a new version of the figures, sent with the version it corrects (baseVersion). */
function Correction({ count, onDone, onReload }: { count: CountDetail; onDone: () => void; onReload: () => void }) {
  const { t } = useTranslation();
  const [figures, setFigures] = useState<Figures>(() => figuresOf(count));
  const [base] = useState(count.version);
  const m = useCorrectCount(count.id);
  const stale = isApiError(m.error) && m.error.status === 409;
  const adds = sumChecks(figures, count.direction).every((c) => c.ok);
  return (
    <Card withBorder padding="sm" data-testid="correction-form">
      <Stack gap="sm">
        <Title order={4}>{t('flows.count.correctTitle', { n: base })}</Title>
        <FiguresFields value={figures} onChange={setFigures} direction={count.direction} errors={stale ? {} : fieldErrors(m.error)} />
        {stale ? (
          <Alert color="red" role="alert" data-testid="correction-stale">
            <Text size="sm">{t('flows.count.stale', { n: base })}</Text>
            <Button
              size="xs"
              mt="xs"
              variant="light"
              color="red"
              onClick={() => {
                m.reset();
                onReload();
                onDone();
              }}
            >
              {t('flows.count.reload')}
            </Button>
          </Alert>
        ) : (
          m.isError && !Object.keys(fieldErrors(m.error)).length && <ErrorState error={m.error} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={!adds}
            loading={m.isPending}
            onClick={() => m.mutate({ ...figuresBody(figures, count.direction), baseVersion: base }, { onSuccess: onDone })}
            data-testid="correction-save"
          >
            {t('flows.count.saveCorrection')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
