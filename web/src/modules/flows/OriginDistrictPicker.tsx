import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import type { OriginDistrict } from '../../../../src/modules/flows/origin-districts';

interface Props extends Omit<SelectProps, 'data' | 'onChange' | 'value' | 'searchValue' | 'onSearchChange'> {
  value: string | null;
  onChange: (pcode: string | null) => void;
}

/** A Pakistani district by name or P-code (flows' own list: AFG enumerators have no PAK grant). */
export function OriginDistrictPicker({ value, onChange, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const res = useQuery({
    queryKey: ['flows', 'origin-districts', q],
    enabled: q.length > 0,
    staleTime: 10 * 60_000,
    queryFn: ({ signal }) => api.get<{ items: OriginDistrict[] }>('/flows/origin-districts', { q, limit: 30 }, signal),
  });
  const data = (res.data?.items ?? []).map((d) => ({ value: d.pcode, label: `${d.name}${d.province ? ` (${d.province})` : ''} · ${d.pcode}` }));
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  return (
    <Select
      searchable
      clearable
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={q ? (res.isFetching ? t('common.loading') : t('common.nothingFound')) : t('flows.survey.searchPlace')}
      {...rest}
    />
  );
}
