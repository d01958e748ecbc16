import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Kbd, Radio, Stack, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { BirthView } from '../../../../src/modules/people/contract';
import { AnchorLink } from '../../shell/links';
import { birthText } from '../people/labels';
import { ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { dedupApi, dedupKeys, usePair, type FieldComparison, type PairDetail } from './api';
import { ScoreBadge } from './QueuePage';

const VERDICT_COLOR: Record<FieldComparison['verdict'], string> = { agree: 'teal', similar: 'yellow', differ: 'red', missing: 'gray', info: 'blue' };
const CELL_BG: Partial<Record<FieldComparison['verdict'], string>> = {
  agree: 'var(--mantine-color-teal-light)',
  similar: 'var(--mantine-color-yellow-light)',
  differ: 'var(--mantine-color-red-light)',
};
/** Fields whose values read left to right whatever the page direction. */
const LTR = new Set(['phones', 'currentPcode', 'originPcode', 'destinationPcode', 'crossing', 'household', 'registeredAt']);

function HouseholdLink({ op, r }: { op: string; r: PairDetail['a'] }) {
  return (
    <AnchorLink to="/op/$op/people/households/$id" params={{ op, id: r.householdId }} dir="ltr" size="sm">
      {r.householdReference}
    </AnchorLink>
  );
}

/** Two records side by side: what agrees, differs or is missing; decide duplicate, distinct or skip. */
export default function PairPage() {
  const { t } = useTranslation();
  const { op, a, b } = useParams({ from: '/app/op/$op/dedup/pairs/$a/$b' });
  const navigate = useNavigate();
  const qc = useQueryClient();
  const message = useErrorMessage();
  const q = usePair(a, b);
  const [survivor, setSurvivor] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [blocked, setBlocked] = useState<string | null>(null);
  useEffect(() => {
    setSurvivor(null);
    setNote('');
    setBlocked(null);
  }, [a, b]);

  const next = async () => {
    const page = await dedupApi.pairs({ operation: op, status: 'open', limit: 1 });
    const p = page.items[0];
    if (p) void navigate({ to: '/op/$op/dedup/pairs/$a/$b', params: { op, a: p.idA, b: p.idB } });
    else void navigate({ to: '/op/$op/dedup/queue', params: { op }, search: {} });
  };
  const decide = useMutation({
    mutationFn: (decision: 'duplicate' | 'distinct' | 'skip') => dedupApi.decide(a, b, { decision, survivorId: decision === 'duplicate' ? survivor ?? q.data?.suggestedSurvivorId : undefined, note: note.trim() || null }),
    onSuccess: async (r) => {
      void qc.invalidateQueries({ queryKey: dedupKeys.all });
      void qc.invalidateQueries({ queryKey: ['people'] });
      if (r.merge) {
        notifications.show({
          color: 'teal',
          message: t(r.merge.householdsMerged ? 'dedup.pair.mergedHouseholds' : 'dedup.pair.merged', { from: r.merge.mergedHouseholdReference, into: r.merge.survivorHouseholdReference }),
        });
        void navigate({ to: '/op/$op/people/households/$id', params: { op, id: r.merge.survivorHouseholdId } });
        return;
      }
      await next();
    },
    onError: (e) => {
      const m = message(e);
      setBlocked(m);
    },
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey || decide.isPending || !q.data || q.data.pair.state === 'duplicate' || q.data.pair.state === 'distinct') return;
      const k = e.key.toLowerCase();
      if (k === 'd') decide.mutate('duplicate');
      else if (k === 'n') decide.mutate('distinct');
      else if (k === 's') decide.mutate('skip');
      else if (k === '1') setSurvivor(q.data.a.id);
      else if (k === '2') setSurvivor(q.data.b.id);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [decide, q.data]);

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  const keep = survivor ?? d.suggestedSurvivorId;
  const decided = d.pair.state === 'duplicate' || d.pair.state === 'distinct';
  const parts = d.parts ? Object.entries(d.parts).filter(([, w]) => w !== 0) : [];
  /** A field's value in the user's language where it is a code (relationship, sex, birth, documents). */
  const shown = (field: FieldComparison['field'], v: string, r: PairDetail['a']): string => {
    if (field === 'relationship') return t(`people.relationship.${v}`, { defaultValue: v });
    if (field === 'sex') return t(`people.sex.${v}`, { defaultValue: v });
    if (field === 'birth' && r.birth) return birthText(t, r.birth as BirthView);
    if (field === 'documents' && r.documents)
      return r.documents.map((x) => `${t(`people.docType.${x.type}`, { defaultValue: x.type })} ${x.number} (${x.issuingCountry}, ${t(`people.docStatus.${x.status}`, { defaultValue: x.status })})`).join('; ');
    return v;
  };
  return (
    <Stack gap="md" data-testid="pair-page">
      <Group justify="space-between">
        <Group gap="sm">
          <AnchorLink to="/op/$op/dedup/queue" params={{ op }} search={{}} size="sm">
            {t('dedup.pair.back')}
          </AnchorLink>
          <ScoreBadge pair={d.pair} />
          <Badge variant="dot">{t(`dedup.state.${d.pair.state}`)}</Badge>
          {d.pair.source === 'import' && d.pair.importBatch ? (
            <Text size="sm" c="dimmed" data-testid="pair-source" style={{ unicodeBidi: 'plaintext' }}>
              {t('dedup.queue.fromImport', { name: d.pair.importBatch.name })}
            </Text>
          ) : null}
        </Group>
        {parts.length > 0 && (
          <Group gap={6} dir="ltr">
            {parts.map(([k, w]) => (
              <Badge key={k} size="sm" variant="outline" color={w > 0 ? 'teal' : 'red'}>
                {t(`dedup.parts.${k}`, { defaultValue: k })} {w > 0 ? '+' : ''}
                {w.toFixed(1)}
              </Badge>
            ))}
          </Group>
        )}
      </Group>
      {d.pair.decision === 'match' && !decided && (
        <Text size="sm" c="dimmed">
          {t('dedup.pair.proposed')}
        </Text>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table withTableBorder withColumnBorders verticalSpacing={6} data-testid="comparison">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>{t('dedup.pair.field')}</Table.Th>
              {[d.a, d.b].map((r, i) => (
                <Table.Th key={r.id}>
                  <Group gap="xs" justify="space-between">
                    <Radio
                      checked={keep === r.id}
                      onChange={() => setSurvivor(r.id)}
                      disabled={decided}
                      label={`${t('dedup.pair.keep')} (${i + 1})`}
                      data-testid={`keep-${i === 0 ? 'a' : 'b'}`}
                    />
                    <HouseholdLink op={op} r={r} />
                  </Group>
                  <Text size="sm" fw={600} style={{ unicodeBidi: 'plaintext' }}>
                    {r.displayName ?? '—'}
                  </Text>
                </Table.Th>
              ))}
              <Table.Th w={110}>{t('dedup.pair.verdict')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.fields.map((f) => (
              <Table.Tr key={f.field} data-testid={`field-${f.field}`} data-verdict={f.verdict}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {t(`dedup.fields.${f.field}`)}
                  </Text>
                </Table.Td>
                {[f.a, f.b].map((v, i) => (
                  <Table.Td key={i} style={{ background: CELL_BG[f.verdict] }} dir={LTR.has(f.field) ? 'ltr' : undefined}>
                    <Text size="sm" style={{ unicodeBidi: 'plaintext' }} c={v ? undefined : 'dimmed'}>
                      {v === null ? '—' : shown(f.field, v, i === 0 ? d.a : d.b)}
                    </Text>
                  </Table.Td>
                ))}
                <Table.Td>
                  <Badge size="sm" variant="light" color={VERDICT_COLOR[f.verdict]}>
                    {t(`dedup.verdict.${f.verdict}`)}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!d.a.sensitive || !d.b.sensitive ? (
        <Text size="xs" c="dimmed">
          {t('dedup.pair.noSensitive')}
        </Text>
      ) : null}
      {blocked && (
        <Alert color="orange" title={t('dedup.pair.blockedTitle')} data-testid="merge-blocked">
          {blocked}
        </Alert>
      )}
      {decided ? (
        <Alert color="gray">{t('dedup.pair.decided', { decision: t(`dedup.state.${d.pair.state}`) })}</Alert>
      ) : (
        <Card withBorder padding="sm">
          <Stack gap="xs">
            <Textarea size="xs" label={t('dedup.pair.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize maxRows={3} />
            <Group gap="xs">
              <Button color="teal" onClick={() => decide.mutate('duplicate')} loading={decide.isPending && decide.variables === 'duplicate'} data-testid="decide-duplicate">
                {t('dedup.pair.duplicate')} <Kbd ms={6}>D</Kbd>
              </Button>
              <Button color="red" variant="light" onClick={() => decide.mutate('distinct')} loading={decide.isPending && decide.variables === 'distinct'} data-testid="decide-distinct">
                {t('dedup.pair.distinct')} <Kbd ms={6}>N</Kbd>
              </Button>
              <Button variant="default" onClick={() => decide.mutate('skip')} loading={decide.isPending && decide.variables === 'skip'} data-testid="decide-skip">
                {t('dedup.pair.skip')} <Kbd ms={6}>S</Kbd>
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              {t('dedup.pair.keys')}
            </Text>
          </Stack>
        </Card>
      )}
      {d.related.length > 0 && (
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb={4}>
            {t('dedup.pair.related')}
          </Text>
          <Stack gap={4}>
            {d.related.map((p) => (
              <Group key={`${p.idA}:${p.idB}`} gap="xs">
                <ScoreBadge pair={p} />
                <AnchorLink to="/op/$op/dedup/pairs/$a/$b" params={{ op, a: p.idA, b: p.idB }} size="sm">
                  {p.a.displayName} ↔ {p.b.displayName}
                </AnchorLink>
              </Group>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
