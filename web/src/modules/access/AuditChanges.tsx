import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function isChange(v: unknown): v is { before?: unknown; after?: unknown } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ('before' in v || 'after' in v);
}

/** Before and after of each changed field, plus any context recorded with the entry. */
export function AuditChanges({ changes }: { changes: Record<string, unknown> | null }) {
  const { t } = useTranslation();
  if (!changes || Object.keys(changes).length === 0) return <Text size="sm" c="dimmed">{t('audit.noChanges')}</Text>;
  const { _details: details, ...rest } = changes;
  const fields = Object.entries(rest);
  return (
    <div dir="ltr">
      {fields.length > 0 && (
        <Table withTableBorder withColumnBorders verticalSpacing={4} fz="sm" data-testid="audit-changes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('audit.field')}</Table.Th>
              <Table.Th>{t('audit.before')}</Table.Th>
              <Table.Th>{t('audit.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td ff="monospace">{k}</Table.Td>
                {isChange(v) ? (
                  <>
                    <Table.Td c="red.8" style={{ wordBreak: 'break-word' }}>{show(v.before)}</Table.Td>
                    <Table.Td c="teal.8" style={{ wordBreak: 'break-word' }}>{show(v.after)}</Table.Td>
                  </>
                ) : (
                  <Table.Td colSpan={2}>{show(v)}</Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {details !== undefined && (
        <>
          <Text size="xs" fw={700} mt="xs">
            {t('audit.details')}
          </Text>
          <Code block>{JSON.stringify(details, null, 2)}</Code>
        </>
      )}
    </div>
  );
}
