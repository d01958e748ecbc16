import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { accessKeys, usersApi } from './api';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange'> {
  value: string | null;
  onChange: (id: string | null) => void;
}

/** Picks a user by username or name, searching on the server. */
export function UserPicker({ value, onChange, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const res = useQuery({
    queryKey: [...accessKeys.users, 'pick', q],
    queryFn: ({ signal }) => usersApi.list({ q: q || undefined, limit: 20 }, signal),
    staleTime: 60_000,
  });
  const data = (res.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.username} · ${u.displayName}` }));
  const [known, setKnown] = useState<Record<string, string>>({});
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: known[value] ?? value });
  return (
    <Select
      searchable
      clearable
      data={data}
      value={value}
      onChange={(id, option) => {
        if (id && option) setKnown((k) => ({ ...k, [id]: option.label }));
        onChange(id);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={res.isFetching ? t('common.loading') : t('common.nothingFound')}
      {...rest}
    />
  );
}
