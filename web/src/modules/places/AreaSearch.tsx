import { Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAreas } from './api';
import { levelLabel } from './labels';
import { displayName, secondaryName } from './names';
import { Empty, ErrorState, Loading } from '../../shell/states';

/** Search results for a query in English, local script or P-code. */
export function AreaSearchResults({ op, q, selected, onSelect }: { op: string; q: string; selected: string | null; onSelect: (pcode: string) => void }) {
  const { t, i18n } = useTranslation();
  const res = useAreas({ operation: op, q, limit: 50 });
  if (res.isPending) return <Loading />;
  if (res.isError) return <ErrorState error={res.error} onRetry={() => void res.refetch()} />;
  if (res.data.items.length === 0) return <Empty>{t('places.noResults', { q })}</Empty>;
  return (
    <Stack gap={2} role="listbox" aria-label={t('places.searchResults')} data-testid="area-search-results">
      <Text size="xs" c="dimmed" px={6}>
        {t('places.resultCount', { count: res.data.total })}
      </Text>
      {res.data.items.map((a) => {
        const other = secondaryName(a, i18n.language);
        return (
          <UnstyledButton
            key={a.pcode}
            role="option"
            aria-selected={selected === a.pcode}
            className="hamrah-tree-row"
            onClick={() => onSelect(a.pcode)}
            px={6}
            py={4}
            style={{ borderRadius: 'var(--mantine-radius-sm)', background: selected === a.pcode ? 'var(--mantine-color-teal-light)' : undefined }}
          >
            <Text size="sm" fw={500}>
              {displayName(a, i18n.language)}
              {other ? (
                <Text span c="dimmed" size="sm">
                  {' · '}
                  {other}
                </Text>
              ) : null}
            </Text>
            <Text size="xs" c="dimmed">
              {levelLabel(t, a.level)} · <bdi dir="ltr">{a.pcode}</bdi>
            </Text>
          </UnstyledButton>
        );
      })}
    </Stack>
  );
}
