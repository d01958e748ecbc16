import { Select } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useLocation, useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Operation } from '../modules/places/api';
import { isRtl } from '../i18n';

/** Chooses the operation in the URL (/op/AFG/…), keeping the page the user is on. */
export function OperationSwitcher({ operations, current }: { operations: Operation[]; current: string }) {
  const { t, i18n } = useTranslation();
  const router = useRouter();
  const location = useLocation();
  const rtl = isRtl(i18n.language);
  const phone = useMediaQuery('(max-width: 36em)');
  const data = operations.map((o) => ({ value: o.id, label: phone ? o.id : `${o.id} · ${rtl && o.nameLocal ? o.nameLocal : o.name}` }));
  return (
    <Select
      data-testid="operation-switcher"
      aria-label={t('shell.operation')}
      data={data}
      value={current}
      allowDeselect={false}
      size="sm"
      w={{ base: 92, sm: 220 }}
      comboboxProps={{ width: 260, position: 'bottom-start' }}
      onChange={(value) => {
        if (!value || value === current) return;
        // Keep the module, drop object ids that belong to the old operation.
        const rest = location.pathname.replace(/^\/op\/[^/]+/, '');
        const moduleOnly = rest.split('/').slice(0, rest.startsWith('/admin') ? 3 : 2).join('/');
        try {
          localStorage.setItem('hamrah.operation', value);
        } catch {
          /* ignore */
        }
        router.history.push(`/op/${value}${moduleOnly}`);
      }}
    />
  );
}
