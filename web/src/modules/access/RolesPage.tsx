import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { AnchorLink, ButtonLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import { useRoles } from './api';
import { can, useMe } from '../../shell/session';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { useFormat } from '../../lib/format';

export default function RolesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/admin/roles' });
  const me = useMe();
  const roles = useRoles();
  const canManage = can(me.data, 'access.roles.manage');
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('modules.roles')}</Title>
        {canManage && (
          <ButtonLink to="/op/$op/admin/roles/$roleId" params={{ op, roleId: 'new' }}>
            {t('roles.create')}
          </ButtonLink>
        )}
      </Group>
      {roles.isPending ? (
        <Loading />
      ) : roles.isError ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : roles.data.length === 0 ? (
        <Empty>{t('roles.none')}</Empty>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={560}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="roles-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('roles.name')}</Table.Th>
                  <Table.Th>{t('roles.description')}</Table.Th>
                  <Table.Th>{t('roles.permissions')}</Table.Th>
                  <Table.Th>{t('roles.users')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {roles.data.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <AnchorLink to="/op/$op/admin/roles/$roleId" params={{ op, roleId: r.id }} fw={600} size="sm" c="teal.8">
                          {r.builtIn ? t(`roleNames.${r.id}`, { defaultValue: r.name }) : r.name}
                        </AnchorLink>
                        {r.builtIn && (
                          <Badge size="xs" variant="light" color="gray">
                            {t('roles.builtIn')}
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed" ff="monospace" dir="ltr" ta="start">
                        {r.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{r.builtIn ? t(`roleDescriptions.${r.id}`, { defaultValue: r.description }) : r.description}</Text>
                    </Table.Td>
                    <Table.Td>{f.number(r.permissions.length)}</Table.Td>
                    <Table.Td>{f.number(r.userCount)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}
