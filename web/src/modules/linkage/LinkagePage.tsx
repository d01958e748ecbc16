import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, FileInput, Group, PasswordInput, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { AnchorLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { useFormat } from '../../lib/format';
import { DateLabel } from '../../shell/DateLabel';
import { JobProgress } from '../../shell/JobProgress';
import { statusText } from '../../i18n/issues';
import { decide, fileUrl, startExport, startMatch, useExports, useLinks, useMatches, type LinkageExport, type LinkageMatch } from './api';

const COLOR: Record<string, string> = { queued: 'gray', running: 'yellow', ready: 'green', failed: 'red', pending: 'yellow', confirmed: 'green', rejected: 'gray' };

/** The secret is typed, sent in a request body and forgotten: never stored in the browser either. */
function SecretInput(props: { value: string; onChange: (v: string) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      label={t('linkage.secret')}
      description={t('linkage.secretHint')}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      autoComplete="off"
      data-testid={props.testId}
      error={props.value && props.value.length < 16 ? t('linkage.secretShort') : undefined}
    />
  );
}

function LinkageProgress({ item }: { item: LinkageExport | LinkageMatch }) {
  const { t } = useTranslation();
  if (item.status !== 'queued' && item.status !== 'running') return null;
  const p = item.job?.progress;
  return <JobProgress done={p?.done ?? 0} total={p?.total} label={item.job?.message ? statusText(item.job) : t('linkage.queued')} testId="linkage-progress" />;
}

/** Privacy-preserving linkage: export our encodings, match a partner's, review the candidate links. */
export default function LinkagePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/linkage' });
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const exports = useExports(op);
  const matches = useMatches(op);
  const [exportSecret, setExportSecret] = useState('');
  const [matchSecret, setMatchSecret] = useState('');
  const [partner, setPartner] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState<'pending' | 'confirmed' | 'rejected' | 'all'>('pending');
  const links = useLinks(selected, status === 'all' ? undefined : status);

  const run = async (what: string, fn: () => Promise<unknown>, after: () => void) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
      after();
      await qc.invalidateQueries({ queryKey: ['linkage'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  if (exports.isPending || matches.isPending) return <Loading />;
  if (exports.isError) return <ErrorState error={exports.error} onRetry={() => void exports.refetch()} />;
  if (matches.isError) return <ErrorState error={matches.error} onRetry={() => void matches.refetch()} />;

  return (
    <Stack gap="md">
      <Title order={2}>{t('linkage.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('linkage.intro')}
      </Text>
      {error != null && (
        <Alert color="red" data-testid="linkage-error">
          {errorMessage(error)}
        </Alert>
      )}

      <Card withBorder>
        <Stack gap="sm">
          <Title order={4}>{t('linkage.export.title')}</Title>
          <Text size="sm">{t('linkage.export.hint')}</Text>
          <SecretInput value={exportSecret} onChange={setExportSecret} testId="export-secret" />
          <Group>
            <Button
              disabled={exportSecret.length < 16}
              loading={busy === 'export'}
              data-testid="export-start"
              onClick={() => void run('export', () => startExport(op, exportSecret), () => setExportSecret(''))}
            >
              {t('linkage.export.start')}
            </Button>
          </Group>
          {exports.data.items.length > 0 && (
            <Table striped data-testid="exports-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('linkage.when')}</Table.Th>
                  <Table.Th>{t('linkage.status')}</Table.Th>
                  <Table.Th>{t('linkage.export.records')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {exports.data.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      <DateLabel value={e.createdAt} time />
                    </Table.Td>
                    <Table.Td>
                      <Badge color={COLOR[e.status]} data-testid="export-status" data-status={e.status}>
                        {t(`linkage.statuses.${e.status}`)}
                      </Badge>
                      <LinkageProgress item={e} />
                    </Table.Td>
                    <Table.Td>{e.records != null ? f.number(e.records) : ''}</Table.Td>
                    <Table.Td>
                      {e.status === 'ready' && (
                        <Anchor href={fileUrl(e.id)} download data-testid="export-download">
                          {t('linkage.export.download')}
                        </Anchor>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="sm">
          <Title order={4}>{t('linkage.match.title')}</Title>
          <Text size="sm">{t('linkage.match.hint')}</Text>
          <TextInput label={t('linkage.match.partner')} value={partner} onChange={(e) => setPartner(e.currentTarget.value)} data-testid="match-partner" />
          <FileInput label={t('linkage.match.file')} accept=".csv,text/csv" value={file} onChange={setFile} clearable data-testid="match-file" />
          <SecretInput value={matchSecret} onChange={setMatchSecret} testId="match-secret" />
          <Group>
            <Button
              disabled={matchSecret.length < 16 || !partner.trim() || !file}
              loading={busy === 'match'}
              data-testid="match-start"
              onClick={() =>
                void run(
                  'match',
                  async () => startMatch(op, matchSecret, partner.trim(), file!.name, await file!.text()),
                  () => {
                    setMatchSecret('');
                    setFile(null);
                  },
                )
              }
            >
              {t('linkage.match.start')}
            </Button>
          </Group>
          {matches.data.items.length > 0 && (
            <Table striped data-testid="matches-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('linkage.when')}</Table.Th>
                  <Table.Th>{t('linkage.match.partner')}</Table.Th>
                  <Table.Th>{t('linkage.status')}</Table.Th>
                  <Table.Th>{t('linkage.match.records')}</Table.Th>
                  <Table.Th>{t('linkage.match.links')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {matches.data.items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <DateLabel value={m.createdAt} time />
                    </Table.Td>
                    <Table.Td>{m.partner}</Table.Td>
                    <Table.Td>
                      <Badge color={COLOR[m.status]} data-testid="match-status" data-status={m.status}>
                        {t(`linkage.statuses.${m.status}`)}
                      </Badge>
                      <LinkageProgress item={m} />
                    </Table.Td>
                    <Table.Td>
                      {f.number(m.partnerRecords)} / {m.ourRecords != null ? f.number(m.ourRecords) : '…'}
                    </Table.Td>
                    <Table.Td>{m.status === 'ready' ? t('linkage.match.linkCounts', { match: f.number(m.matchLinks ?? 0), review: f.number(m.reviewLinks ?? 0), pending: f.number(m.pending) }) : ''}</Table.Td>
                    <Table.Td>
                      {m.status === 'ready' && (
                        <Button size="xs" variant={selected === m.id ? 'filled' : 'light'} onClick={() => setSelected(m.id)} data-testid="match-review">
                          {t('linkage.match.review')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>

      {selected && (
        <Card withBorder data-testid="links-card">
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={4}>{t('linkage.links.title')}</Title>
              <SegmentedControl
                size="xs"
                value={status}
                onChange={(v) => setStatus(v as typeof status)}
                data={(['pending', 'confirmed', 'rejected', 'all'] as const).map((s) => ({ value: s, label: t(`linkage.links.filter.${s}`) }))}
              />
            </Group>
            <Text size="sm" c="dimmed">
              {t('linkage.links.hint')}
            </Text>
            {links.isPending ? (
              <Loading />
            ) : links.isError ? (
              <ErrorState error={links.error} onRetry={() => void links.refetch()} />
            ) : !links.data.items.length ? (
              <Empty>{t('linkage.links.none')}</Empty>
            ) : (
              <Table striped data-testid="links-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('linkage.links.household')}</Table.Th>
                    <Table.Th>{t('linkage.links.person')}</Table.Th>
                    <Table.Th>{t('linkage.links.partnerId')}</Table.Th>
                    <Table.Th>{t('linkage.links.similarity')}</Table.Th>
                    <Table.Th>{t('linkage.status')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {links.data.items.map((l) => (
                    <Table.Tr key={l.id} data-testid="link-row">
                      <Table.Td>
                        <AnchorLink to="/op/$op/people/households/$id" params={{ op, id: l.householdId }} dir="ltr" size="sm">
                          {l.householdReference}
                        </AnchorLink>
                      </Table.Td>
                      <Table.Td>{l.personName}</Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {l.partnerId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {f.number(Math.round(l.dice * 100))}% · {t(`linkage.links.decision.${l.decision}`)}
                      </Table.Td>
                      <Table.Td>
                        <Badge color={COLOR[l.status]} data-testid="link-status" data-status={l.status}>
                          {t(`linkage.links.filter.${l.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Button size="xs" color="green" variant="light" disabled={busy !== null || l.status === 'confirmed'} onClick={() => void run(l.id, () => decide(l.id, 'confirmed'), () => {})} data-testid="link-confirm">
                            {t('linkage.links.confirm')}
                          </Button>
                          <Button size="xs" color="gray" variant="light" disabled={busy !== null || l.status === 'rejected'} onClick={() => void run(l.id, () => decide(l.id, 'rejected'), () => {})} data-testid="link-reject">
                            {t('linkage.links.reject')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
