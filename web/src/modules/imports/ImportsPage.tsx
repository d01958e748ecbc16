import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, FileInput, Group, Radio, Select, Stack, Stepper, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { JobProgress } from '../../shell/JobProgress';
import { useMe } from '../../shell/session';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { useFormat } from '../../lib/format';
import { issueText, statusText } from '../../i18n/issues';
import { commitBatch, uploadFile, useBatch, useImportKinds, validateBatch, type Batch, type ImportKind } from './api';

const NONE = '__none__';

/** Bulk import wizard: kind and file → column mapping → validation report → import → result. */
export default function ImportsPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/imports' });
  const me = useMe();
  const kinds = useImportKinds(op);
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const [kind, setKind] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [batchId, setBatchId] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<'all' | 'valid'>('all');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const batch = useBatch(batchId);
  const b = batch.data;
  const adapter: ImportKind | undefined = kinds.data?.find((k) => k.kind === (b?.kind ?? kind));

  useEffect(() => {
    if (kinds.data?.length && !kind) setKind(kinds.data[0].kind);
  }, [kinds.data, kind]);

  const step = !b ? 0 : b.status === 'uploaded' ? 1 : b.status === 'validating' || b.status === 'validated' || b.status === 'failed' ? 2 : b.status === 'committing' ? 3 : 4;

  const run = async (fn: () => Promise<Batch>) => {
    setBusy(true);
    setError(null);
    try {
      const next = await fn();
      qc.setQueryData(['imports', 'batch', next.id], next);
      setBatchId(next.id);
      return next;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const upload = () =>
    run(() => uploadFile(op, kind!, file!, me.data?.csrfToken ?? undefined)).then((next) => {
      if (next) setMapping({ ...next.suggestedMapping });
    });

  const restart = () => {
    setBatchId(null);
    setFile(null);
    setMapping({});
    setMode('all');
    setError(null);
  };

  if (kinds.isPending) return <Loading />;
  if (kinds.isError) return <ErrorState error={kinds.error} onRetry={() => void kinds.refetch()} />;
  if (!kinds.data.length) return <Empty>{t('imports.noKinds')}</Empty>;

  return (
    <Stack gap="md" data-testid="imports-page">
      <Title order={2}>{t('imports.title')}</Title>
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={t('imports.step.upload')} />
        <Stepper.Step label={t('imports.step.mapping')} />
        <Stepper.Step label={t('imports.step.validate')} />
        <Stepper.Step label={t('imports.step.import')} />
      </Stepper>
      {error !== null && (
        <Alert color="red" data-testid="import-error">
          {errorMessage(error)}
        </Alert>
      )}

      {step === 0 && (
        <Card withBorder>
          <Stack gap="sm" maw={480}>
            <Select
              label={t('imports.kind')}
              data={kinds.data.map((k) => ({ value: k.kind, label: t(`imports.kinds.${k.kind.replace('.', '_')}`, { defaultValue: k.label }) }))}
              value={kind}
              onChange={setKind}
              allowDeselect={false}
              data-testid="import-kind"
            />
            <FileInput label={t('imports.file')} description={t('imports.fileHint')} accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" value={file} onChange={setFile} clearable data-testid="import-file" />
            <Group>
              <Button onClick={() => void upload()} disabled={!kind || !file} loading={busy} data-testid="import-upload">
                {t('imports.upload')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}

      {b && adapter && step === 1 && (
        <MappingStep batch={b} kind={adapter} mapping={mapping} setMapping={setMapping} busy={busy} onValidate={() => void run(() => validateBatch(b.id, clean(mapping)))} onCancel={restart} />
      )}

      {b && step >= 2 && <Outcome batch={b} />}

      {b && step === 2 && b.status !== 'validating' && (
        <Card withBorder>
          <Stack gap="sm">
            {b.duplicateOf && <Alert color="yellow">{t('imports.duplicate')}</Alert>}
            <Radio.Group label={t('imports.mode.label')} value={mode} onChange={(v) => setMode(v as 'all' | 'valid')}>
              <Stack gap={4} mt={4}>
                <Radio value="all" label={t('imports.mode.all')} data-testid="mode-all" />
                <Radio value="valid" label={t('imports.mode.valid')} data-testid="mode-valid" />
              </Stack>
            </Radio.Group>
            <Group>
              <Button variant="default" onClick={() => void run(async () => ({ ...b, status: 'uploaded' as const }))}>
                {t('imports.back')}
              </Button>
              <Button onClick={() => void run(() => commitBatch(b.id, mode, clean(mapping)))} loading={busy} disabled={mode === 'all' && (b.summary?.invalid ?? 0) > 0} data-testid="import-commit">
                {t('imports.commit')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}

      {b && step === 4 && (
        <Group>
          <Button onClick={restart} data-testid="import-again">
            {t('imports.again')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

const clean = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([, v]) => v && v !== NONE));

function MappingStep(props: { batch: Batch; kind: ImportKind; mapping: Record<string, string>; setMapping: (m: Record<string, string>) => void; busy: boolean; onValidate: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { batch, kind, mapping, setMapping } = props;
  const columns = useMemo(() => {
    const set = new Set(batch.headers.filter(Boolean));
    for (const v of Object.values(batch.suggestedMapping)) set.add(v);
    return [...set];
  }, [batch]);
  const missing = kind.fields.filter((f) => f.required && !mapping[f.key]);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Text size="sm">{t('imports.mappingHint', { file: batch.fileName, rows: batch.estimatedRows })}</Text>
        <Table.ScrollContainer minWidth={420}>
          <Table striped data-testid="mapping-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.field')}</Table.Th>
                <Table.Th>{t('imports.column')}</Table.Th>
                <Table.Th>{t('imports.example')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {kind.fields.map((f) => {
                const idx = batch.headers.indexOf(mapping[f.key] ?? '');
                return (
                  <Table.Tr key={f.key}>
                    <Table.Td>
                      {t(`imports.fields.${f.key}`, { defaultValue: f.label })}
                      {f.required && <Text span c="red"> *</Text>}
                    </Table.Td>
                    <Table.Td>
                      <Select
                        size="xs"
                        searchable
                        data={[{ value: NONE, label: t('imports.notMapped') }, ...columns.map((c) => ({ value: c, label: c }))]}
                        value={mapping[f.key] ?? NONE}
                        onChange={(v) => setMapping({ ...mapping, [f.key]: v ?? NONE })}
                        allowDeselect={false}
                        data-testid={`map-${f.key}`}
                        aria-label={f.label}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {idx >= 0 ? batch.sample[0]?.[idx] ?? '' : ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {missing.length > 0 && <Alert color="yellow">{t('imports.missing', { fields: missing.map((f) => t(`imports.fields.${f.key}`, { defaultValue: f.label })).join(', ') })}</Alert>}
        <Group>
          <Button variant="default" onClick={props.onCancel}>
            {t('imports.cancel')}
          </Button>
          <Button onClick={props.onValidate} loading={props.busy} disabled={missing.length > 0} data-testid="import-validate">
            {t('imports.validate')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

const STATUS_COLOR: Record<string, string> = { committed: 'green', validated: 'blue', unchanged: 'gray', failed: 'red', cancelled: 'gray', validating: 'yellow', committing: 'yellow', uploaded: 'gray' };

/** Progress while the job runs; then the summary and the report. */
function Outcome({ batch }: { batch: Batch }) {
  const { t } = useTranslation();
  const f = useFormat();
  const job = batch.job;
  const runningNow = batch.status === 'validating' || batch.status === 'committing';
  const s = batch.summary;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group gap="xs">
          <Badge color={STATUS_COLOR[batch.status] ?? 'gray'} data-testid="import-status" data-status={batch.status} data-batch={batch.id}>
            {t(`imports.status.${batch.status}`)}
          </Badge>
          {batch.message && !runningNow && (
            <Text size="sm" data-testid="import-message">
              {statusText(batch)}
            </Text>
          )}
        </Group>
        {runningNow && (
          <JobProgress done={job?.progress.done ?? 0} total={job?.progress.total} label={job?.message ? statusText(job) : t('imports.queued')} testId="import-progress" />
        )}
        {s && !runningNow && (
          <Group gap="lg" data-testid="import-summary">
            {(['rows', 'valid', 'invalid', 'existing', 'inserted', ...(s.warnings !== undefined ? (['warnings'] as const) : [])] as const).map((k) => (
              <Stack gap={0} key={k}>
                <Text size="xs" c="dimmed">
                  {t(`imports.summary.${k}`)}
                </Text>
                <Text fw={600} data-testid={`summary-${k}`}>
                  {f.number(s[k] ?? 0)}
                </Text>
              </Stack>
            ))}
          </Group>
        )}
        {!runningNow && batch.issues.length > 0 && (
          <>
            <Text size="sm" fw={600}>
              {t('imports.report', { count: batch.issueCount })}
            </Text>
            <Table.ScrollContainer minWidth={420}>
              <Table striped withTableBorder data-testid="issues-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('imports.row')}</Table.Th>
                    <Table.Th>{t('imports.field')}</Table.Th>
                    <Table.Th>{t('imports.column')}</Table.Th>
                    <Table.Th>{t('imports.problem')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {batch.issues.map((i, n) => (
                    <Table.Tr key={n} data-severity={i.severity ?? 'error'}>
                      <Table.Td>{i.sheet ? t('imports.sheetRow', { sheet: i.sheet, row: f.number(i.row) }) : f.number(i.row)}</Table.Td>
                      <Table.Td>{t(`imports.fields.${i.field}`, { defaultValue: i.field })}</Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {i.column ?? ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {i.severity === 'warning' && (
                          <Badge color="yellow" size="xs" me={6}>
                            {t('imports.warning')}
                          </Badge>
                        )}
                        {issueText(i)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Card>
  );
}
