import { useEffect, useState } from 'react';
import { Alert, Button, Card, Group, Select, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { AnchorLink } from '../../shell/links';
import { ErrorState, Loading } from '../../shell/states';
import { fieldErrors } from '../../shell/forms';
import { useOperation } from '../places/api';
import { todayIn, uuidv7, useCreateCount, type CountDetail } from './api';
import { useQueryClient } from '@tanstack/react-query';
import { EMPTY_FIGURES, FiguresFields, figuresBody, sumChecks, type Figures } from './figures';
import { siteLabel, useFlowSites } from './shared';
import { api } from '../../api';

const LAST_SITE = 'hamrah.flows.lastSite';
const PENDING = 'hamrah.flows.pendingCount';

/** A count that could not be sent (no connection): kept on the device with its id until it is. */
interface PendingCount {
  op: string;
  id: string;
  siteId: string;
  date: string;
  direction: 'in' | 'out';
  figures: Figures;
}
function readPending(op: string): PendingCount | null {
  try {
    const p = JSON.parse(localStorage.getItem(PENDING) ?? 'null') as PendingCount | null;
    return p && p.op === op && p.id ? p : null;
  } catch {
    return null;
  }
}
function writePending(p: PendingCount | null) {
  try {
    if (p) localStorage.setItem(PENDING, JSON.stringify(p));
    else localStorage.removeItem(PENDING);
  } catch {
    /* private mode: the form keeps it while the page is open */
  }
}

/**
 * Today's count at a crossing point, built for a phone: site (only the user's crossings, the last
 * one preselected), date (today in the operation's time zone), direction, total and breakdowns
 * with live checks. The id is made here, before sending: a retry after a timeout answers the
 * stored count instead of making a second one.
 */
export default function CountFormPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/flows/counts/new' });
  const navigate = useNavigate();
  const operation = useOperation(op);
  const { sites, isPending, error } = useFlowSites(op, 'flows.count.write');
  const today = todayIn(operation.data?.timeZone);
  const [restored] = useState(() => readPending(op));
  const [id, setId] = useState(() => restored?.id ?? uuidv7());
  const [siteId, setSiteId] = useState<string | null>(restored?.siteId ?? null);
  const [date, setDate] = useState(restored?.date ?? today);
  const [direction, setDirection] = useState<'in' | 'out'>(restored?.direction ?? 'in');
  const [figures, setFigures] = useState<Figures>(restored?.figures ?? EMPTY_FIGURES);
  const [saved, setSaved] = useState<CountDetail | null>(null);
  const [pending, setPending] = useState<'draft' | 'submit' | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const create = useCreateCount();
  const qc = useQueryClient();

  // Preselect: the only crossing, or the one used last on this device.
  useEffect(() => {
    if (siteId || !sites.length) return;
    let last: string | null = null;
    try {
      last = localStorage.getItem(LAST_SITE);
    } catch {
      /* private mode */
    }
    setSiteId(sites.length === 1 ? sites[0]!.id : sites.find((s) => s.id === last)?.id ?? null);
  }, [sites, siteId]);
  useEffect(() => setDate((d) => (d > today ? today : d)), [today]);

  if (isPending) return <Loading />;
  if (error) return <ErrorState error={error} />;
  if (!sites.length) return <Alert color="gray">{t('flows.count.noSites')}</Alert>;

  const site = sites.find((s) => s.id === siteId);
  const checks = sumChecks(figures, direction);
  const adds = checks.every((c) => c.ok);
  const errors = fieldErrors(failure);

  const save = async (mode: 'draft' | 'submit') => {
    if (!site) return;
    setPending(mode);
    setFailure(null);
    try {
      try {
        localStorage.setItem(LAST_SITE, site.id);
      } catch {
        /* private mode */
      }
      let count = await create.mutateAsync({ id, operationId: op, siteId: site.id, date, direction, ...figuresBody(figures, direction) });
      if (mode === 'submit' && count.status === 'draft') {
        count = await api.post<CountDetail>(`/flows/counts/${count.id}/submit`);
        void qc.invalidateQueries({ queryKey: ['flows'] });
      }
      setSaved(count);
      writePending(null);
      // A fresh form (and id) for the next count; site and date stay.
      setId(uuidv7());
      setFigures(EMPTY_FIGURES);
    } catch (e) {
      setFailure(e);
      // Not sent (or no answer): keep it on the device with its id, so nothing is typed twice
      // and a later try cannot make a second count.
      if (isApiError(e) && (e.code === 'NETWORK' || e.status >= 500)) writePending({ op, id, siteId: site.id, date, direction, figures });
    } finally {
      setPending(null);
    }
  };

  const conflictOnId = isApiError(failure) && failure.status === 409 && failure.fields.some((f) => f.path === 'body.id');
  const conflictOnDay = isApiError(failure) && failure.status === 409 && failure.fields.some((f) => f.path === 'body.date');
  const offline = isApiError(failure) && (failure.code === 'NETWORK' || failure.status >= 500);

  return (
    <Stack gap="sm" maw={640}>
      <Title order={3}>{t('flows.count.new')}</Title>
      {restored && !saved && restored.id === id && (
        <Alert color="orange" data-testid="count-restored">
          {t('flows.count.restored')}
        </Alert>
      )}
      {saved && (
        <Alert color="teal" data-testid="count-saved" withCloseButton onClose={() => setSaved(null)}>
          {t(saved.status === 'draft' ? 'flows.count.savedDraft' : 'flows.count.savedSubmitted', { site: siteLabel({ name: saved.siteName, nameLocal: sites.find((s) => s.id === saved.siteId)?.nameLocal ?? null, code: saved.siteCode }, i18n.language), total: saved.total })}{' '}
          <AnchorLink to="/op/$op/flows/counts/$countId" params={{ op, countId: saved.id }}>
            {t('flows.count.open')}
          </AnchorLink>
        </Alert>
      )}
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Select
            label={t('flows.count.site')}
            data={sites.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))}
            value={siteId}
            onChange={setSiteId}
            required
            allowDeselect={false}
            error={errors.siteId}
            data-testid="count-site"
          />
          <Group grow gap="xs" align="flex-start">
            <TextInput type="date" label={t('flows.count.date')} value={date} max={today} onChange={(e) => setDate(e.currentTarget.value)} required error={errors.date} data-testid="count-date" />
            <TextInput label={t('flows.count.neighbour')} value={site?.neighbourCountry ? t(`flows.country.${site.neighbourCountry}`, { defaultValue: site.neighbourCountry }) : '—'} readOnly variant="filled" />
          </Group>
          <SegmentedControl
            fullWidth
            value={direction}
            onChange={(v) => setDirection(v as 'in' | 'out')}
            data={[
              { value: 'in', label: t('flows.direction.in') },
              { value: 'out', label: t('flows.direction.out') },
            ]}
            data-testid="count-direction"
          />
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <FiguresFields value={figures} onChange={setFigures} direction={direction} errors={errors} />
      </Card>
      <Textarea label={t('flows.count.notes')} value={figures.notes} onChange={(e) => setFigures({ ...figures, notes: e.currentTarget.value })} autosize minRows={1} maxLength={2000} />
      {failure ? (
        conflictOnId ? (
          <Alert color="red" role="alert">
            {t('flows.count.conflictId')}{' '}
            <AnchorLink to="/op/$op/flows/counts/$countId" params={{ op, countId: id }}>
              {t('flows.count.open')}
            </AnchorLink>
          </Alert>
        ) : conflictOnDay ? (
          <Alert color="red" role="alert" data-testid="count-conflict">
            {errors.date}
          </Alert>
        ) : offline ? (
          <Alert color="orange" role="alert">
            {t('flows.count.offline')}
          </Alert>
        ) : (
          <ErrorState error={failure} />
        )
      ) : null}
      {!adds && <Text size="sm" c="red">{t('flows.count.fixSums')}</Text>}
      <Group grow>
        <Button variant="default" size="md" onClick={() => void save('draft')} loading={pending === 'draft'} disabled={!site || !adds || pending !== null} data-testid="count-save-draft">
          {t('flows.count.saveDraft')}
        </Button>
        <Button size="md" onClick={() => void save('submit')} loading={pending === 'submit'} disabled={!site || !adds || pending !== null} data-testid="count-submit">
          {t('flows.count.submit')}
        </Button>
      </Group>
      <Button variant="subtle" size="xs" onClick={() => void navigate({ to: '/op/$op/flows', params: { op } })}>
        {t('flows.count.backToList')}
      </Button>
    </Stack>
  );
}
