import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const STATUS_COLOR: Record<string, string> = { draft: 'gray', submitted: 'blue', verified: 'teal', published: 'green' };

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status] ?? 'gray'} variant="light" data-testid="round-status">
      {t(`mobility.status.${status}`)}
    </Badge>
  );
}
