import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useAreas } from './api';
import { levelLabel } from './labels';
import { displayName } from './names';

interface Props extends Omit<SelectProps, 'data' | 'onChange' | 'value' | 'searchValue' | 'onSearchChange'> {
  operation: string;
  value: string | null;
  onChange: (pcode: string | null) => void;
}

/** Picks an admin area by name (any script) or P-code, searching on the server. */
export function AreaPicker({ operation, value, onChange, ...rest }: Props) {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const res = useAreas({ operation, q, limit: 30 }, q.length > 0);
  const data = (res.data?.items ?? []).map((a) => ({
    value: a.pcode,
    label: `${a.pcode} · ${displayName(a, i18n.language)} (${levelLabel(t, a.level)})`,
  }));
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  return (
    <Select
      label={t('grants.area')}
      description={t('grants.areaHelp')}
      placeholder={t('grants.areaPlaceholder')}
      searchable
      clearable
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={q ? (res.isFetching ? t('common.loading') : t('common.nothingFound')) : t('grants.typeToSearch')}
      {...rest}
    />
  );
}
