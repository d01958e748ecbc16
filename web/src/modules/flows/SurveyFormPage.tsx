import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Chip, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { ErrorState, Loading } from '../../shell/states';
import { fieldErrors } from '../../shell/forms';
import { useOperation } from '../places/api';
import { AreaPicker } from '../places/AreaPicker';
import { OriginDistrictPicker } from './OriginDistrictPicker';
import { AGE_BANDS, DOCUMENTS_BY_ORIGIN, INTENDED_STAYS, NEEDS, REASONS, VULNERABILITIES, type OriginCountry } from '../../../../src/modules/flows/kinds';
import { todayIn, uuidv7, useCreateSurvey, type SurveyCreate, type SurveyView } from './api';
import { siteLabel, useFlowSites } from './shared';

const num = (v: number | string) => (typeof v === 'number' ? v : Number(String(v).replace(/[^\d]/g, '')) || 0);

/** One interviewed group. No names. Consent first: nothing is sent without it. */
export default function SurveyFormPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/flows/surveys/new' });
  const operation = useOperation(op);
  const { sites, isPending, error } = useFlowSites(op, 'flows.survey.write');
  const today = todayIn(operation.data?.timeZone);
  const create = useCreateSurvey();
  const [id, setId] = useState(() => uuidv7());
  const [siteId, setSiteId] = useState<string | null>(null);
  const [date, setDate] = useState(today);
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [sex, setSex] = useState<'m' | 'f'>('m');
  const [age, setAge] = useState<string | null>(null);
  const [comp, setComp] = useState({ men: 0, women: 0, boys: 0, girls: 0 });
  const [origin, setOrigin] = useState<OriginCountry>('PAK');
  const [originPcode, setOriginPcode] = useState<string | null>(null);
  const [documents, setDocuments] = useState<string[]>([]);
  const [reasons, setReasons] = useState<string[]>([]);
  const [stay, setStay] = useState<'lt1y' | 'ge1y'>('ge1y');
  const [adm1, setAdm1] = useState<string | null>(null);
  const [adm2, setAdm2] = useState<string | null>(null);
  const [vulnerabilities, setVulnerabilities] = useState<string[]>([]);
  const [needs, setNeeds] = useState<string[]>([]);
  const [consent, setConsent] = useState(false);
  const [saved, setSaved] = useState<SurveyView | null>(null);

  useEffect(() => {
    if (!siteId && sites.length === 1) setSiteId(sites[0]!.id);
  }, [sites, siteId]);
  const site = sites.find((s) => s.id === siteId);
  // The origin follows the crossing's neighbour country; documents are per country.
  useEffect(() => {
    if (site?.neighbourCountry === 'PAK' || site?.neighbourCountry === 'IRN') setOrigin(site.neighbourCountry);
  }, [site?.neighbourCountry]);
  useEffect(() => {
    setDocuments((d) => d.filter((x) => (DOCUMENTS_BY_ORIGIN[origin] as readonly string[]).includes(x)));
    if (origin !== 'PAK') setOriginPcode(null);
  }, [origin]);

  if (isPending) return <Loading />;
  if (error) return <ErrorState error={error} />;
  if (!sites.length) return <Alert color="gray">{t('flows.count.noSites')}</Alert>;

  const groupSize = comp.men + comp.women + comp.boys + comp.girls;
  const errors = fieldErrors(create.error);
  const pickDocuments = (v: string[]) => {
    // "none" excludes the documents: the last choice wins.
    const added = v.find((x) => !documents.includes(x));
    setDocuments(added === 'none' ? ['none'] : v.filter((x) => x !== 'none'));
  };
  const ready = !!site && !!age && groupSize >= 1 && documents.length > 0 && consent;
  const submit = () => {
    if (!site || !age) return;
    const body: SurveyCreate = {
      id,
      operationId: op,
      siteId: site.id,
      date,
      direction,
      respondentSex: sex,
      respondentAgeBand: age as SurveyCreate['respondentAgeBand'],
      groupSize,
      ...comp,
      originCountry: origin,
      originPcode: origin === 'PAK' ? originPcode : null,
      documents: documents as SurveyCreate['documents'],
      reasons: reasons as SurveyCreate['reasons'],
      intendedStay: stay,
      destinationAdm1: adm1,
      destinationAdm2: adm2,
      vulnerabilities: vulnerabilities as SurveyCreate['vulnerabilities'],
      needs: needs as SurveyCreate['needs'],
      consent,
    };
    create.mutate(body, {
      onSuccess: (s) => {
        setSaved(s);
        setId(uuidv7());
        setComp({ men: 0, women: 0, boys: 0, girls: 0 });
        setDocuments([]);
        setReasons([]);
        setVulnerabilities([]);
        setNeeds([]);
        setOriginPcode(null);
        setAdm1(null);
        setAdm2(null);
        setAge(null);
        setConsent(false);
      },
    });
  };
  const chips = (values: readonly string[], value: string[], onChange: (v: string[]) => void, prefix: string, testId: string) => (
    <Chip.Group multiple value={value} onChange={onChange}>
      <Group gap={6} data-testid={testId}>
        {values.map((v) => (
          <Chip key={v} value={v} size="sm">
            {t(`${prefix}.${v}`)}
          </Chip>
        ))}
      </Group>
    </Chip.Group>
  );

  return (
    <Stack gap="sm" maw={680}>
      <Title order={3}>{t('flows.survey.new')}</Title>
      {saved && (
        <Alert color="teal" data-testid="survey-saved" withCloseButton onClose={() => setSaved(null)}>
          {t('flows.survey.saved', { n: saved.groupSize })}
        </Alert>
      )}
      <Checkbox
        size="md"
        checked={consent}
        onChange={(e) => setConsent(e.currentTarget.checked)}
        label={t('flows.survey.consent')}
        description={t('flows.survey.consentHelp')}
        error={errors.consent}
        data-testid="survey-consent"
      />
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Select label={t('flows.count.site')} data={sites.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))} value={siteId} onChange={setSiteId} required allowDeselect={false} data-testid="survey-site" />
          <Group grow gap="xs" align="flex-start">
            <TextInput type="date" label={t('flows.count.date')} value={date} max={today} onChange={(e) => setDate(e.currentTarget.value)} error={errors.date} />
            <Stack gap={2}>
              <Text size="sm" fw={500}>
                {t('flows.count.direction')}
              </Text>
              <SegmentedControl value={direction} onChange={(v) => setDirection(v as 'in' | 'out')} data={[{ value: 'in', label: t('flows.direction.in') }, { value: 'out', label: t('flows.direction.out') }]} />
            </Stack>
          </Group>
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Title order={5}>{t('flows.survey.respondent')}</Title>
          <Group grow gap="xs" align="flex-end">
            <SegmentedControl value={sex} onChange={(v) => setSex(v as 'm' | 'f')} data={[{ value: 'm', label: t('flows.survey.male') }, { value: 'f', label: t('flows.survey.female') }]} />
            <Select label={t('flows.survey.age')} data={AGE_BANDS.map((a) => ({ value: a, label: a }))} value={age} onChange={setAge} required data-testid="survey-age" />
          </Group>
          <Title order={5}>{t('flows.survey.group')}</Title>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
            {(['men', 'women', 'boys', 'girls'] as const).map((k) => (
              <NumberInput
                key={k}
                label={t(`flows.count.${k}`)}
                value={comp[k]}
                onChange={(v) => setComp({ ...comp, [k]: num(v) })}
                min={0}
                max={500}
                allowDecimal={false}
                allowNegative={false}
                hideControls
                inputMode="numeric"
                error={k === 'men' ? errors.men : undefined}
                data-testid={`survey-${k}`}
                onFocus={(e) => e.currentTarget.select()}
              />
            ))}
          </SimpleGrid>
          <Text size="sm" c={groupSize >= 1 ? 'teal' : 'dimmed'} data-testid="survey-group-size">
            {t('flows.survey.groupSize', { n: groupSize })}
          </Text>
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Title order={5}>{t('flows.survey.origin')}</Title>
          <SegmentedControl value={origin} onChange={(v) => setOrigin(v as OriginCountry)} data={[{ value: 'PAK', label: t('flows.country.PAK') }, { value: 'IRN', label: t('flows.country.IRN') }]} />
          {origin === 'PAK' && (
            <OriginDistrictPicker value={originPcode} onChange={setOriginPcode} label={t('flows.survey.originDistrict')} description={t('flows.survey.originDistrictHelp')} placeholder={t('flows.survey.searchPlace')} error={errors.originPcode} />
          )}
          <Text size="sm" fw={500}>
            {t('flows.survey.documents')}
          </Text>
          {chips(DOCUMENTS_BY_ORIGIN[origin], documents, pickDocuments, 'flows.documents', 'survey-documents')}
          {errors.documents && (
            <Text size="xs" c="red">
              {errors.documents}
            </Text>
          )}
          <Text size="sm" fw={500}>
            {t('flows.survey.reasons')}
          </Text>
          {chips(REASONS, reasons, setReasons, 'flows.reasons', 'survey-reasons')}
          <Text size="sm" fw={500}>
            {t('flows.survey.intendedStay')}
          </Text>
          <SegmentedControl value={stay} onChange={(v) => setStay(v as 'lt1y' | 'ge1y')} data={INTENDED_STAYS.map((s) => ({ value: s, label: t(`flows.stay.${s}`) }))} />
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Title order={5}>{t('flows.survey.destination')}</Title>
          <AreaPicker operation="AFG" value={adm1} onChange={setAdm1} label={t('flows.survey.province')} description={t('flows.survey.pcodeHelp')} placeholder={t('flows.survey.searchPlace')} error={errors.destinationAdm1} />
          <AreaPicker operation="AFG" value={adm2} onChange={setAdm2} label={t('flows.survey.district')} description={t('flows.survey.pcodeHelp')} placeholder={t('flows.survey.searchPlace')} error={errors.destinationAdm2} />
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <Text size="sm" fw={500}>
            {t('flows.survey.vulnerabilities')}
          </Text>
          {chips(VULNERABILITIES, vulnerabilities, setVulnerabilities, 'flows.vulnerabilities', 'survey-vulnerabilities')}
          <Text size="sm" fw={500}>
            {t('flows.survey.needs')}
          </Text>
          {chips(NEEDS, needs, setNeeds, 'flows.needs', 'survey-needs')}
        </Stack>
      </Card>
      {create.isError && (isApiError(create.error) && create.error.code === 'VALIDATION_FAILED' ? <Alert color="red">{t('flows.survey.fix')}</Alert> : <ErrorState error={create.error} />)}
      {!consent && <Text size="sm" c="dimmed">{t('flows.survey.needConsent')}</Text>}
      <Button size="md" onClick={submit} loading={create.isPending} disabled={!ready} data-testid="survey-save">
        {t('flows.survey.save')}
      </Button>
    </Stack>
  );
}
