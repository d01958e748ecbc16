import { Alert, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '../../shell/links';
import { useHouseholdFlags } from './api';
import { MergesTable } from './MergesPage';

/**
 * On the household page: members with unresolved possible duplicates (payments will refuse
 * them), where a merged household went, and the merges in and out of this household with undo.
 */
export function HouseholdFlags({ op, householdId, names }: { op: string; householdId: string; names: Record<string, string> }) {
  const { t } = useTranslation();
  const q = useHouseholdFlags(householdId);
  if (!q.data) return null;
  const flagged = Object.entries(q.data.members);
  const { mergedInto, merges, canReview } = q.data;
  if (!flagged.length && !mergedInto && !merges.length) return null;
  return (
    <Stack gap="xs" data-testid="dedup-flags">
      {mergedInto && (
        <Alert color="gray" data-testid="household-merged-into">
          <Group gap={6}>
            <Text size="sm">{t('dedup.household.mergedInto')}</Text>
            <AnchorLink to="/op/$op/people/households/$id" params={{ op, id: mergedInto.id }} dir="ltr" size="sm">
              {mergedInto.reference}
            </AnchorLink>
          </Group>
        </Alert>
      )}
      {flagged.length > 0 && (
        <Alert color="orange" title={t('dedup.household.flagTitle')} data-testid="dedup-flag">
          <Stack gap={2}>
            {flagged.map(([id, f]) => (
              <Text key={id} size="sm">
                {t('dedup.household.flag', { name: names[id] ?? id, count: f.pairs })}
              </Text>
            ))}
            {canReview && (
              <AnchorLink to="/op/$op/dedup/queue" params={{ op }} search={{ household: householdId, status: 'all' }} size="sm" data-testid="review-household">
                {t('dedup.household.review')}
              </AnchorLink>
            )}
          </Stack>
        </Alert>
      )}
      {merges.length > 0 && (
        <Card withBorder padding="sm">
          <Text fw={600} mb={4}>
            {t('dedup.household.merges')}
          </Text>
          <MergesTable op={op} household={householdId} merges={merges} />
        </Card>
      )}
    </Stack>
  );
}
