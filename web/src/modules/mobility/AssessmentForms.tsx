import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { ErrorState } from '../../shell/states';
import { fieldErrors } from '../../shell/forms';
import { useMe } from '../../shell/session';
import { useAreas, useSites } from '../places/api';
import { displayName } from '../places/names';
import { ARRIVAL_PERIODS, BASELINE_GROUPS, EVENT_TYPES, SECTORS, SITE_SERVICES, useCorrectAssessment, useCreateAssessment, uuidv7, type AssessmentCorrection, type AssessmentCreate, type AssessmentDetail, type AssessmentView } from './api';

type Group = (typeof BASELINE_GROUPS)[number];
type Period = (typeof ARRIVAL_PERIODS)[number];
type Pair = { ind: number; hh: number };
type Figures = Record<Group, Pair>;
const zeroFigures = (): Figures => ({ idps: { ind: 0, hh: 0 }, returnees: { ind: 0, hh: 0 }, idpReturnees: { ind: 0, hh: 0 }, outMigrants: { ind: 0, hh: 0 } });
const num = (v: string | number) => (typeof v === 'number' ? v : Number(v) || 0);

/** Districts (admin 2) the user may enter data for: all of the operation's, or those under their area grants. */
export function useDistrictOptions(op: string) {
  const { i18n } = useTranslation();
  const me = useMe();
  const areas = useAreas({ operation: op, level: 2, limit: 1000 });
  return useMemo(() => {
    const grants = (me.data?.grants ?? []).filter((g) => g.operationId === op);
    const limited = grants.length > 0 && grants.every((g) => g.areaPcode);
    const roots = grants.map((g) => g.areaPcode ?? '');
    return (areas.data?.items ?? [])
      .filter((a) => !limited || roots.some((r) => a.pcode.startsWith(r)))
      .map((a) => ({ value: a.pcode, label: `${displayName(a, i18n.language)} · ${a.pcode}` }));
  }, [areas.data, me.data, op, i18n.language]);
}

/** The saved message, the error (field errors go beside the fields) and the buttons of every form. */
function FormShell({ saved, error, pending, onSubmit, children, testId }: { saved: AssessmentDetail | null; error: unknown; pending: boolean; onSubmit: () => void; children: ReactNode; testId: string }) {
  const { t, i18n } = useTranslation();
  const fields = fieldErrors(error);
  const conflict = isApiError(error) && error.status === 409;
  return (
    <form
      data-testid={testId}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <Stack gap="xs">
        {saved && (
          <Alert color="teal" data-testid="assessment-saved">
            {t(saved.version > 1 ? 'mobility.form.corrected' : 'mobility.form.saved', {
              place: saved.siteName ?? (saved.admin2Name ? displayName({ name: saved.admin2Name, nameLocal: saved.admin2NameLocal }, i18n.language) : saved.admin2Pcode),
              version: saved.version,
            })}
          </Alert>
        )}
        {children}
        {error ? conflict ? <Alert color="red" role="alert">{isApiError(error) ? error.text() : (error as Error).message}</Alert> : Object.keys(fields).length ? <Text c="red" size="sm" role="alert">{t('mobility.form.fix')}</Text> : <ErrorState error={error} /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={pending} data-testid="assessment-save">
            {t('mobility.form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Props of every form: a new assessment of the round, or (with `editing`) a correction of one. */
export interface FormProps {
  op: string;
  roundId: string;
  /** The assessment to correct: the form starts from its figures and saves a new version. */
  editing?: AssessmentView;
  onSaved?: (a: AssessmentDetail) => void;
}

function useSave(roundId: string, reset: () => void, editing?: AssessmentView, onSaved?: (a: AssessmentDetail) => void) {
  const create = useCreateAssessment(roundId);
  const correct = useCorrectAssessment(editing?.id ?? '');
  const [saved, setSaved] = useState<AssessmentDetail | null>(null);
  const idRef = useRef(uuidv7());
  const done = (a: AssessmentDetail) => {
    setSaved(a);
    onSaved?.(a);
    if (!editing) {
      idRef.current = uuidv7();
      reset();
    }
  };
  const save = (body: WithoutId<AssessmentCreate>) =>
    editing
      ? correct.mutate({ ...body, baseVersion: editing.version } as AssessmentCorrection, { onSuccess: done })
      : create.mutate({ ...body, id: idRef.current } as AssessmentCreate, { onSuccess: done });
  return { save, saved, error: editing ? correct.error : create.error, pending: create.isPending || correct.isPending };
}

const figuresOf = (a?: AssessmentView): Figures => (a?.figures ? { ...zeroFigures(), ...a.figures } : zeroFigures());
const periodsOf = (a?: AssessmentView): Record<Period, Figures> | null =>
  a?.byPeriod ? (Object.fromEntries(ARRIVAL_PERIODS.map((p) => [p, { ...zeroFigures(), ...(a.byPeriod![p] ?? {}) }])) as Record<Period, Figures>) : null;

function PairInputs({ label, value, onChange, errors, path, readOnly }: { label: string; value: Pair; onChange: (p: Pair) => void; errors: Record<string, string>; path: string; readOnly?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Table.Td>{label}</Table.Td>
      <Table.Td>
        <NumberInput aria-label={`${label}: ${t('mobility.form.individuals')}`} value={value.ind} min={0} allowDecimal={false} thousandSeparator="," hideControls readOnly={readOnly} onChange={(v) => onChange({ ...value, ind: num(v) })} error={errors[`${path}.ind`]} data-testid={`${path}.ind`} />
      </Table.Td>
      <Table.Td>
        <NumberInput aria-label={`${label}: ${t('mobility.form.households')}`} value={value.hh} min={0} allowDecimal={false} thousandSeparator="," hideControls readOnly={readOnly} onChange={(v) => onChange({ ...value, hh: num(v) })} error={errors[`${path}.hh`]} data-testid={`${path}.hh`} />
      </Table.Td>
    </>
  );
}

/** A baseline row: district (and settlement), the four groups in people and households, optionally by arrival period. */
export function BaselineForm({ op, roundId, editing, onSaved }: FormProps) {
  const { t } = useTranslation();
  const districts = useDistrictOptions(op);
  const [district, setDistrict] = useState<string | null>(editing?.admin2Pcode ?? null);
  const [settlement, setSettlement] = useState(editing?.settlement ?? '');
  const [figures, setFigures] = useState<Figures>(() => figuresOf(editing));
  const [byPeriod, setByPeriod] = useState<Record<Period, Figures> | null>(() => periodsOf(editing));
  const [reason, setReason] = useState<string | null>(editing ? editing.displacementReason : 'conflict');
  const [notes, setNotes] = useState(editing?.notes ?? '');
  const districtRef = useRef<HTMLInputElement>(null);
  const { save, saved, error, pending } = useSave(roundId, () => {
    setDistrict(null);
    setSettlement('');
    setFigures(zeroFigures());
    setByPeriod((p) => (p ? (Object.fromEntries(ARRIVAL_PERIODS.map((k) => [k, zeroFigures()])) as Record<Period, Figures>) : null));
    setNotes('');
    districtRef.current?.focus();
  }, editing, onSaved);
  const errors = fieldErrors(error);
  // With the period grid, totals are its sums.
  const totals: Figures = byPeriod
    ? (Object.fromEntries(BASELINE_GROUPS.map((g) => [g, ARRIVAL_PERIODS.reduce((s, p) => ({ ind: s.ind + byPeriod[p][g].ind, hh: s.hh + byPeriod[p][g].hh }), { ind: 0, hh: 0 })])) as Figures)
    : figures;
  return (
    <FormShell
      testId="baseline-form"
      saved={saved}
      error={error}
      pending={pending}
      onSubmit={() =>
        save({
          kind: 'baseline',
          admin2Pcode: district ?? '',
          settlement: settlement.trim() || null,
          figures: totals,
          byPeriod: byPeriod ?? null,
          ...(editing ? { siteId: editing.siteId, idpMales: editing.idpMales, idpFemales: editing.idpFemales, idpOriginAdmin1Pcode: editing.idpOriginAdmin1Pcode } : {}),
          displacementReason: (reason as 'conflict') ?? null,
          notes: notes.trim() || null,
        })
      }
    >
      <Group grow align="flex-start">
        <Select ref={districtRef} label={t('mobility.form.district')} data={districts} value={district} onChange={setDistrict} searchable required error={errors.admin2Pcode} data-testid="baseline-district" limit={50} nothingFoundMessage={t('mobility.form.noDistrict')} readOnly={!!editing} />
        <TextInput label={t('mobility.form.settlement')} description={t('mobility.form.settlementHint')} value={settlement} onChange={(e) => setSettlement(e.currentTarget.value)} error={errors.settlement} />
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th>{t('mobility.form.individuals')}</Table.Th>
            <Table.Th>{t('mobility.form.households')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {BASELINE_GROUPS.map((g) => (
            <Table.Tr key={g}>
              <PairInputs label={t(`mobility.group.${g}`)} value={totals[g]} onChange={(p) => setFigures({ ...figures, [g]: p })} errors={errors} path={`figures.${g}`} readOnly={!!byPeriod} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Checkbox
        label={t('mobility.form.byPeriod')}
        checked={!!byPeriod}
        onChange={(e) => setByPeriod(e.currentTarget.checked ? (Object.fromEntries(ARRIVAL_PERIODS.map((k) => [k, k === 'before_2021' ? figures : zeroFigures()])) as Record<Period, Figures>) : null)}
      />
      {byPeriod && (
        <Table.ScrollContainer minWidth={720}>
          <Table withRowBorders={false} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {ARRIVAL_PERIODS.map((p) => (
                  <Table.Th key={p} colSpan={2}>
                    {t(`mobility.period.${p}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {BASELINE_GROUPS.map((g) => (
                <Table.Tr key={g}>
                  <Table.Td>{t(`mobility.group.${g}`)}</Table.Td>
                  {ARRIVAL_PERIODS.map((p) =>
                    (['ind', 'hh'] as const).map((u) => (
                      <Table.Td key={`${p}.${u}`}>
                        <NumberInput
                          aria-label={`${t(`mobility.group.${g}`)}, ${t(`mobility.period.${p}`)}: ${t(u === 'ind' ? 'mobility.form.individuals' : 'mobility.form.households')}`}
                          placeholder={t(u === 'ind' ? 'mobility.form.ind' : 'mobility.form.hh')}
                          value={byPeriod[p][g][u]}
                          min={0}
                          allowDecimal={false}
                          hideControls
                          onChange={(v) => setByPeriod({ ...byPeriod, [p]: { ...byPeriod[p], [g]: { ...byPeriod[p][g], [u]: num(v) } } })}
                          error={errors[`byPeriod.${g}.${u}`] ? ' ' : undefined}
                        />
                      </Table.Td>
                    )),
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group grow align="flex-start">
        <Select label={t('mobility.form.reason')} data={['conflict', 'natural_disaster', 'economic', 'other'].map((r) => ({ value: r, label: t(`mobility.reason.${r}`) }))} value={reason} onChange={setReason} clearable />
        <Textarea label={t('mobility.form.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={1} maxLength={2000} />
      </Group>
    </FormShell>
  );
}

function NeedsInput({ value, onChange, error }: { value: string[]; onChange: (v: string[]) => void; error?: string }) {
  const { t } = useTranslation();
  return (
    <MultiSelect
      label={t('mobility.form.needs')}
      description={t('mobility.form.needsHint')}
      data={SECTORS.map((s) => ({ value: s, label: `${s} · ${t(`mobility.sector.${s}`)}` }))}
      value={value}
      onChange={onChange}
      maxValues={6}
      searchable
      error={error}
      data-testid="needs"
    />
  );
}

/** A site assessment: a site of the places module, its population, services and ranked needs. */
export function SiteForm({ op, roundId, editing, onSaved }: FormProps) {
  const { t, i18n } = useTranslation();
  const sites = useSites(op);
  const [siteId, setSiteId] = useState<string | null>(editing?.siteId ?? null);
  const [individuals, setIndividuals] = useState(editing?.individuals ?? 0);
  const [households, setHouseholds] = useState(editing?.households ?? 0);
  const [services, setServices] = useState<string[]>(editing?.services ?? []);
  const [needs, setNeeds] = useState<string[]>(editing?.priorityNeeds ?? []);
  const { save, saved, error, pending } = useSave(roundId, () => {
    setSiteId(null);
    setIndividuals(0);
    setHouseholds(0);
    setServices([]);
    setNeeds([]);
  }, editing, onSaved);
  const errors = fieldErrors(error);
  const options = (sites.data?.items ?? []).filter((s) => s.kind !== 'border_crossing_point' && s.kind !== 'warehouse').map((s) => ({ value: s.id, label: `${displayName(s, i18n.language)} · ${s.code}` }));
  return (
    <FormShell
      testId="site-form"
      saved={saved}
      error={error}
      pending={pending}
      onSubmit={() => save({ kind: 'site', siteId: siteId ?? '', individuals, households, services: services as never, priorityNeeds: needs as never })}
    >
      <Select label={t('mobility.form.site')} data={options} value={siteId} onChange={setSiteId} searchable required error={errors.siteId} data-testid="site-select" nothingFoundMessage={t('mobility.form.noSite')} />
      <SimpleGrid cols={2}>
        <NumberInput label={t('mobility.form.individuals')} value={individuals} min={0} allowDecimal={false} hideControls onChange={(v) => setIndividuals(num(v))} error={errors.individuals} />
        <NumberInput label={t('mobility.form.households')} value={households} min={0} allowDecimal={false} hideControls onChange={(v) => setHouseholds(num(v))} error={errors.households} />
      </SimpleGrid>
      <MultiSelect label={t('mobility.form.services')} data={SITE_SERVICES.map((s) => ({ value: s, label: t(`mobility.service.${s}`) }))} value={services} onChange={setServices} />
      <NeedsInput value={needs} onChange={setNeeds} error={errors.priorityNeeds} />
    </FormShell>
  );
}

/** A rapid (event) assessment of one district after a disaster. */
export function EventForm({ op, roundId, editing, onSaved }: FormProps) {
  const { t } = useTranslation();
  const districts = useDistrictOptions(op);
  const today = new Date().toISOString().slice(0, 10);
  const [district, setDistrict] = useState<string | null>(editing?.admin2Pcode ?? null);
  const [eventType, setEventType] = useState<string | null>(editing?.eventType ?? 'flood');
  const [eventDate, setEventDate] = useState(editing?.eventDate ?? today);
  const [f, setF] = useState({ affectedHh: editing?.affectedHh ?? 0, displacedHh: editing?.displacedHh ?? 0, damagedShelters: editing?.damagedShelters ?? 0, destroyedShelters: editing?.destroyedShelters ?? 0 });
  // Displaced individuals are optional: empty = not counted (the DTM API then leaves the row out of ETT).
  const [displacedInd, setDisplacedInd] = useState<number | null>(editing?.displacedInd ?? null);
  const [needs, setNeeds] = useState<string[]>(editing?.priorityNeeds ?? []);
  const { save, saved, error, pending } = useSave(roundId, () => {
    setDistrict(null);
    setF({ affectedHh: 0, displacedHh: 0, damagedShelters: 0, destroyedShelters: 0 });
    setDisplacedInd(null);
    setNeeds([]);
  }, editing, onSaved);
  const errors = fieldErrors(error);
  return (
    <FormShell
      testId="event-form"
      saved={saved}
      error={error}
      pending={pending}
      onSubmit={() => save({ kind: 'event', admin2Pcode: district ?? '', eventType: (eventType ?? 'other') as 'flood', eventDate, ...f, displacedInd, priorityNeeds: needs as never })}
    >
      <Group grow align="flex-start">
        <Select label={t('mobility.form.district')} data={districts} value={district} onChange={setDistrict} searchable required error={errors.admin2Pcode} data-testid="event-district" limit={50} readOnly={!!editing} />
        <Select label={t('mobility.form.eventType')} data={EVENT_TYPES.map((e) => ({ value: e, label: t(`mobility.event.${e}`) }))} value={eventType} onChange={setEventType} allowDeselect={false} />
        <TextInput type="date" label={t('mobility.form.eventDate')} value={eventDate} max={today} onChange={(e) => setEventDate(e.currentTarget.value)} error={errors.eventDate} />
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {(['affectedHh', 'displacedHh', 'damagedShelters', 'destroyedShelters'] as const).map((k) => (
          <NumberInput key={k} label={t(`mobility.form.${k}`)} value={f[k]} min={0} allowDecimal={false} hideControls onChange={(v) => setF({ ...f, [k]: num(v) })} error={errors[k]} data-testid={`event-${k}`} />
        ))}
      </SimpleGrid>
      <NumberInput
        label={t('mobility.form.displacedInd')}
        description={t('mobility.form.displacedIndHelp')}
        value={displacedInd ?? ''}
        min={0}
        allowDecimal={false}
        hideControls
        maw={260}
        onChange={(v) => setDisplacedInd(v === '' || v === null ? null : num(v))}
        error={errors.displacedInd}
        data-testid="event-displacedInd"
      />
      <NeedsInput value={needs} onChange={setNeeds} error={errors.priorityNeeds} />
    </FormShell>
  );
}
