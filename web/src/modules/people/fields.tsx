import { forwardRef } from 'react';
import { Group, NativeSelect, Text, TextInput, type TextInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DOB_MODES, inferMode, parseDob, suggestedMode, type DobInput } from './dob';
import { hasArabicScript, hasLatinLetters, normaliseArabicName, normaliseLatinName } from './script';

type NameProps = Omit<TextInputProps, 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
  [data: `data-${string}`]: string | number | boolean | undefined;
};

/**
 * A name in Arabic script (Dari, Pashto, Urdu): right-to-left whatever the page direction, in the
 * Arabic-script font, with the Arabic keyboard's ي/ك folded to ی/ک as it is typed. Latin letters in
 * it get a hint to switch the keyboard (Alt+Shift or Win+Space on Windows).
 */
export const ArabicNameInput = forwardRef<HTMLInputElement, NameProps>(function ArabicNameInput({ value, onChange, ...rest }, ref) {
  const { t } = useTranslation();
  const latin = hasLatinLetters(value);
  return (
    <TextInput
      ref={ref}
      dir="rtl"
      lang="fa"
      autoComplete="off"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(normaliseArabicName(e.currentTarget.value))}
      onBlur={(e) => {
        const v = normaliseArabicName(e.currentTarget.value).trim();
        if (v !== value) onChange(v);
      }}
      error={latin ? t('people.form.latinInArabic') : undefined}
      classNames={{ input: 'hamrah-arabic-input' }}
      {...rest}
    />
  );
});

/** A name in Latin letters; Arabic script typed here gets a hint to use the field below. */
export const LatinNameInput = forwardRef<HTMLInputElement, NameProps>(function LatinNameInput({ value, onChange, ...rest }, ref) {
  const { t } = useTranslation();
  const arabic = hasArabicScript(value);
  return (
    <TextInput
      ref={ref}
      dir="ltr"
      autoComplete="off"
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(normaliseLatinName(e.currentTarget.value))}
      onBlur={(e) => {
        const v = e.currentTarget.value.trim();
        if (v !== value) onChange(v);
      }}
      error={arabic ? t('people.form.arabicInLatin') : undefined}
      {...rest}
    />
  );
});

interface DobProps {
  value: DobInput;
  onChange: (value: DobInput) => void;
  row?: number;
  size?: string;
  label?: string;
  /** Registration day: ages and "future" are judged against it. */
  reference?: Date;
}

/** Date of birth with its precision: exact date, year, estimated age or Solar Hijri date. */
export function DobField({ value, onChange, row, size = 'sm', label, reference }: DobProps) {
  const { t } = useTranslation();
  const parsed = parseDob(value, reference);
  const hint =
    parsed.kind === 'ok'
      ? parsed.value.precision === 'day' || parsed.value.precision === 'solar_hijri'
        ? t('people.dob.readExact', { date: parsed.value.date, age: parsed.value.age })
        : t('people.dob.readYear', { year: parsed.value.year, age: parsed.value.age })
      : null;
  const error = parsed.kind === 'error' ? parsed.error : null;
  const switchTo = error ? suggestedMode(error) : null;
  const nav = row === undefined ? {} : { 'data-row': row };
  return (
    <div>
      <Group gap={4} wrap="nowrap" align="flex-start">
        <NativeSelect
          size={size}
          aria-label={t('people.dob.mode')}
          value={value.mode}
          onChange={(e) => onChange({ ...value, mode: e.currentTarget.value as DobInput['mode'] })}
          data={DOB_MODES.map((m) => ({ value: m, label: t(`people.dob.modes.${m}`) }))}
          w={96}
          data-col="dobMode"
          {...nav}
        />
        <TextInput
          size={size}
          label={label}
          aria-label={label ? undefined : t('people.dob.value')}
          dir="ltr"
          autoComplete="off"
          placeholder={t(`people.dob.placeholders.${value.mode}`)}
          value={value.text}
          onChange={(e) => onChange({ ...value, text: e.currentTarget.value })}
          onBlur={() => {
            const mode = inferMode(value, reference);
            if (mode) onChange({ ...value, mode });
          }}
          error={!!error}
          style={{ flex: 1, minWidth: 0 }}
          data-nav
          data-col="dob"
          data-testid={row === undefined ? 'dob' : `dob-${row}`}
          {...nav}
        />
      </Group>
      {(hint || error) && (
        <Text size="xs" c={error ? 'red' : 'dimmed'} mt={2} aria-live="polite">
          {error ? t(`people.dob.errors.${error}`) : hint}
          {switchTo && (
            <>
              {' '}
              <Text
                component="button"
                type="button"
                size="xs"
                c="teal.8"
                td="underline"
                style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
                onClick={() => onChange({ ...value, mode: switchTo })}
              >
                {t('people.dob.switchTo', { mode: t(`people.dob.modes.${switchTo}`) })}
              </Text>
            </>
          )}
        </Text>
      )}
    </div>
  );
}
