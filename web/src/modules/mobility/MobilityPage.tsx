import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Select, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '../../shell/links';
import { DateLabel } from '../../shell/DateLabel';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { fieldErrors } from '../../shell/forms';
import { can, useMe } from '../../shell/session';
import { useFormat } from '../../lib/format';
import { useOperation } from '../places/api';
import { ROUND_KINDS, useCreateRound, useRounds, uuidv7, type RoundView } from './api';
import { StatusBadge } from './labels';

/** Opens a round: kind, name and reference date; the number is the next one unless given. */
function NewRoundForm({ op, onDone }: { op: string; onDone: (r: RoundView) => void }) {
  const { t } = useTranslation();
  const create = useCreateRound();
  const [id] = useState(() => uuidv7());
  const [kind, setKind] = useState<string>('baseline');
  const [name, setName] = useState('');
  const [referenceDate, setReferenceDate] = useState(() => new Date().toISOString().slice(0, 10));
  const [roundNumber, setRoundNumber] = useState('');
  const errors = fieldErrors(create.error);
  return (
    <Card withBorder padding="sm" component="form" data-testid="round-form" onSubmit={(e) => {
      e.preventDefault();
      create.mutate(
        { id, operationId: op, kind: kind as RoundView['kind'], name, referenceDate, ...(roundNumber ? { roundNumber: Number(roundNumber) } : {}) },
        { onSuccess: onDone },
      );
    }}>
      <Stack gap="xs">
        <Title order={5}>{t('mobility.round.new')}</Title>
        <SegmentedControl value={kind} onChange={setKind} data={ROUND_KINDS.map((k) => ({ value: k, label: t(`mobility.kind.${k}`) }))} />
        <TextInput label={t('mobility.round.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required error={errors.name} data-autofocus data-testid="round-name" />
        <Group grow align="flex-start">
          <TextInput type="date" label={t('mobility.round.referenceDate')} value={referenceDate} onChange={(e) => setReferenceDate(e.currentTarget.value)} required error={errors.referenceDate} />
          <TextInput label={t('mobility.round.number')} placeholder={t('mobility.round.numberAuto')} value={roundNumber} onChange={(e) => setRoundNumber(e.currentTarget.value.replace(/\D/g, ''))} inputMode="numeric" error={errors.roundNumber} />
        </Group>
        {create.error && !Object.keys(errors).length ? <ErrorState error={create.error} /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending} data-testid="round-create">
            {t('mobility.round.create')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export default function MobilityPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/mobility/' });
  const navigate = useNavigate();
  const me = useMe();
  const operation = useOperation(op);
  const [kind, setKind] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const rounds = useRounds(op, kind ? { kind } : {});
  const items = rounds.data?.pages.flatMap((p) => p.items) ?? [];
  const total = rounds.data?.pages[0]?.total ?? 0;
  const mayOpen = can(me.data, 'mobility.verify', op);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>{t('mobility.title')}</Title>
        {mayOpen && !opening && (
          <Button onClick={() => setOpening(true)} data-testid="round-open">
            {t('mobility.round.new')}
          </Button>
        )}
      </Group>
      <Text c="dimmed" size="sm">
        {t('mobility.intro')}
      </Text>
      {opening && <NewRoundForm op={op} onDone={(r) => void navigate({ to: '/op/$op/mobility/rounds/$roundId', params: { op, roundId: r.id } })} />}
      <Group>
        <Select
          placeholder={t('mobility.round.allKinds')}
          clearable
          data={ROUND_KINDS.map((k) => ({ value: k, label: t(`mobility.kind.${k}`) }))}
          value={kind}
          onChange={setKind}
          aria-label={t('mobility.round.kind')}
          w={220}
        />
        <Text size="sm" c="dimmed">
          {t('mobility.round.count', { count: total, n: f.number(total) })}
        </Text>
      </Group>
      {rounds.isPending ? (
        <Loading />
      ) : rounds.error ? (
        <ErrorState error={rounds.error} onRetry={() => void rounds.refetch()} />
      ) : !items.length ? (
        <Empty>{t('mobility.round.none')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover data-testid="rounds-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mobility.round.name')}</Table.Th>
                <Table.Th>{t('mobility.round.kind')}</Table.Th>
                <Table.Th>{t('mobility.round.number')}</Table.Th>
                <Table.Th>{t('mobility.round.referenceDate')}</Table.Th>
                <Table.Th>{t('mobility.round.assessments')}</Table.Th>
                <Table.Th>{t('mobility.round.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <AnchorLink to="/op/$op/mobility/rounds/$roundId" params={{ op, roundId: r.id }}>
                      {r.name}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {t(`mobility.kind.${r.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{f.number(r.roundNumber)}</Table.Td>
                  <Table.Td>
                    <DateLabel value={r.referenceDate} solarHijri={operation.data?.solarHijri} />
                  </Table.Td>
                  <Table.Td>{f.number(r.assessments)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rounds.hasNextPage && (
        <Button variant="default" onClick={() => void rounds.fetchNextPage()} loading={rounds.isFetchingNextPage}>
          {t('mobility.loadMore')}
        </Button>
      )}
      {!mayOpen && !can(me.data, 'mobility.write', op) ? <Alert color="gray">{t('mobility.readOnly')}</Alert> : null}
      <Card withBorder padding="sm" data-testid="dtm-api-card">
        <Stack gap={4}>
          <Title order={5}>{t('mobility.dtmApi.title')}</Title>
          <Text size="sm">{t('mobility.dtmApi.text')}</Text>
          <Text size="sm" ff="monospace" dir="ltr" style={{ wordBreak: 'break-all' }}>
            GET {window.location.origin}/api/dtm/v3/displacement/admin2?Admin0Pcode={op}
            <br />
            Ocp-Apim-Subscription-Key: hmr_…
          </Text>
          <AnchorLink to="/op/$op/tokens" params={{ op }} size="sm">
            {t('mobility.dtmApi.tokens')}
          </AnchorLink>
        </Stack>
      </Card>
    </Stack>
  );
}
