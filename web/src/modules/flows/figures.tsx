import { Alert, Button, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';
import type { CountView } from './api';

/** The counted figures as the form holds them (numbers; empty inputs count as 0). */
export interface Figures {
  total: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  afghan: number;
  otherNationality: number;
  deported: number;
  spontaneous: number;
  otherReason: number;
  foot: number;
  car: number;
  bus: number;
  truck: number;
  otherTransport: number;
  notes: string;
}

export const EMPTY_FIGURES: Figures = { total: 0, men: 0, women: 0, boys: 0, girls: 0, afghan: 0, otherNationality: 0, deported: 0, spontaneous: 0, otherReason: 0, foot: 0, car: 0, bus: 0, truck: 0, otherTransport: 0, notes: '' };

export function figuresOf(c: CountView): Figures {
  return {
    total: c.total,
    men: c.men,
    women: c.women,
    boys: c.boys,
    girls: c.girls,
    afghan: c.afghan,
    otherNationality: c.otherNationality,
    deported: c.deported ?? 0,
    spontaneous: c.spontaneous ?? 0,
    otherReason: c.otherReason ?? 0,
    foot: c.transport.foot,
    car: c.transport.car,
    bus: c.transport.bus,
    truck: c.transport.truck,
    otherTransport: c.transport.other,
    notes: c.notes ?? '',
  };
}

/** The body fields of the API (create and correction share them). */
export function figuresBody(f: Figures, direction: 'in' | 'out') {
  return {
    total: f.total,
    men: f.men,
    women: f.women,
    boys: f.boys,
    girls: f.girls,
    afghan: f.afghan,
    otherNationality: f.otherNationality,
    ...(direction === 'in' ? { deported: f.deported, spontaneous: f.spontaneous, otherReason: f.otherReason } : {}),
    transport: { foot: f.foot, car: f.car, bus: f.bus, truck: f.truck, other: f.otherTransport },
    notes: f.notes.trim() || null,
  };
}

export interface SumCheck {
  key: 'sexAge' | 'nationality' | 'reasons' | 'transport';
  sum: number;
  ok: boolean;
}

/** What does not add up, computed as the enumerator types. */
export function sumChecks(f: Figures, direction: 'in' | 'out'): SumCheck[] {
  const sexAge = f.men + f.women + f.boys + f.girls;
  const nat = f.afghan + f.otherNationality;
  const reasons = f.deported + f.spontaneous + f.otherReason;
  const transport = f.foot + f.car + f.bus + f.truck + f.otherTransport;
  const out: SumCheck[] = [
    { key: 'sexAge', sum: sexAge, ok: sexAge === f.total },
    { key: 'nationality', sum: nat, ok: nat === f.total },
  ];
  if (direction === 'in') out.push({ key: 'reasons', sum: reasons, ok: reasons === f.total });
  out.push({ key: 'transport', sum: transport, ok: transport <= f.total });
  return out;
}

const num = (v: number | string) => (typeof v === 'number' ? v : Number(String(v).replace(/[^\d]/g, '')) || 0);

interface Props {
  value: Figures;
  onChange: (f: Figures) => void;
  direction: 'in' | 'out';
  errors: Record<string, string>;
}

/** Total and breakdowns, with a live line under each group saying whether it adds up. */
export function FiguresFields({ value: f, onChange, direction, errors }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const set = (patch: Partial<Figures>) => onChange({ ...f, ...patch });
  const field = (key: keyof Omit<Figures, 'notes'>, label: string, error?: string) => (
    <NumberInput
      key={key}
      label={label}
      value={f[key]}
      onChange={(v) => set({ [key]: num(v) } as Partial<Figures>)}
      min={0}
      max={1_000_000}
      allowDecimal={false}
      allowNegative={false}
      hideControls
      inputMode="numeric"
      error={error}
      data-testid={`fig-${key}`}
      onFocus={(e) => e.currentTarget.select()}
    />
  );
  const checks = Object.fromEntries(sumChecks(f, direction).map((c) => [c.key, c]));
  const line = (key: SumCheck['key']) => {
    const c = checks[key];
    if (!c) return null;
    const vars = { sum: fmt.number(c.sum), total: fmt.number(f.total), diff: fmt.number(Math.abs(c.sum - f.total)) };
    return (
      <Text size="xs" c={c.ok ? 'teal' : 'red'} data-testid={`check-${key}`} data-ok={c.ok}>
        {c.ok ? t('flows.count.checkOk', vars) : key === 'transport' ? t('flows.count.checkTransport', vars) : c.sum > f.total ? t('flows.count.checkOver', vars) : t('flows.count.checkUnder', vars)}
      </Text>
    );
  };
  return (
    <Stack gap="sm">
      <NumberInput
        label={direction === 'in' ? t('flows.count.totalIn') : t('flows.count.totalOut')}
        value={f.total}
        onChange={(v) => set({ total: num(v) })}
        min={0}
        max={1_000_000}
        allowDecimal={false}
        allowNegative={false}
        hideControls
        inputMode="numeric"
        size="md"
        required
        error={errors.total}
        data-testid="fig-total"
        onFocus={(e) => e.currentTarget.select()}
      />
      <Stack gap={4}>
        <Title order={5}>{t('flows.count.sexAge')}</Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          {field('men', t('flows.count.men'), errors.men)}
          {field('women', t('flows.count.women'))}
          {field('boys', t('flows.count.boys'))}
          {field('girls', t('flows.count.girls'))}
        </SimpleGrid>
        {line('sexAge')}
      </Stack>
      <Stack gap={4}>
        <Group justify="space-between">
          <Title order={5}>{t('flows.count.nationality')}</Title>
          <Button size="compact-xs" variant="subtle" onClick={() => set({ afghan: f.total, otherNationality: 0 })} data-testid="all-afghan">
            {t('flows.count.allAfghan')}
          </Button>
        </Group>
        <SimpleGrid cols={2} spacing="xs">
          {field('afghan', t('flows.count.afghan'), errors.afghan)}
          {field('otherNationality', t('flows.count.otherNationality'))}
        </SimpleGrid>
        {line('nationality')}
      </Stack>
      {direction === 'in' && (
        <Stack gap={4}>
          <Title order={5}>{t('flows.count.reasons')}</Title>
          <SimpleGrid cols={3} spacing="xs">
            {field('deported', t('flows.count.deported'), errors.deported)}
            {field('spontaneous', t('flows.count.spontaneous'))}
            {field('otherReason', t('flows.count.otherReason'))}
          </SimpleGrid>
          {line('reasons')}
        </Stack>
      )}
      <Stack gap={4}>
        <Title order={5}>{t('flows.count.transport')}</Title>
        <SimpleGrid cols={{ base: 3, sm: 5 }} spacing="xs">
          {field('foot', t('flows.transport.foot'), errors.transport)}
          {field('car', t('flows.transport.car'))}
          {field('bus', t('flows.transport.bus'))}
          {field('truck', t('flows.transport.truck'))}
          {field('otherTransport', t('flows.transport.other'))}
        </SimpleGrid>
        {line('transport')}
      </Stack>
      {errors.form && <Alert color="red">{errors.form}</Alert>}
    </Stack>
  );
}
