import { useState } from 'react';
import { Button, Card, Group, Table, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { accessKeys, usersApi, type User } from './api';
import { useRoleLabel } from './roleLabel';
import { AddGrantModal } from './AddGrantModal';
import { useOrganisations } from '../places/api';
import { Empty, useErrorMessage } from '../../shell/states';
import { ConfirmButton } from '../../shell/ConfirmButton';

export function GrantsTable({ user, op, canManage }: { user: User; op: string; canManage: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const orgs = useOrganisations();
  const errorMessage = useErrorMessage();
  const [adding, setAdding] = useState(false);
  const roleName = useRoleLabel();
  const orgName = (id: string | null) => (id ? (orgs.data?.find((o) => o.id === id)?.acronym ?? id) : null);

  const remove = useMutation({
    mutationFn: (grantId: string) => usersApi.removeGrant(user.id, grantId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: accessKeys.users });
      notifications.show({ color: 'teal', message: t('grants.removed') });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
  });

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          {t('grants.title')}
        </Title>
        {canManage && (
          <Button size="xs" onClick={() => setAdding(true)} data-testid="add-grant">
            {t('grants.add')}
          </Button>
        )}
      </Group>
      {user.grants.length === 0 ? (
        <Empty>{t('grants.none')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs" data-testid="grants-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('grants.role')}</Table.Th>
                <Table.Th>{t('users.operation')}</Table.Th>
                <Table.Th>{t('grants.area')}</Table.Th>
                <Table.Th>{t('grants.organisation')}</Table.Th>
                {canManage && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {user.grants.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>{roleName(g.roleId)}</Table.Td>
                  <Table.Td>{g.operationId}</Table.Td>
                  <Table.Td>
                    <bdi dir="ltr">{g.areaPcode ?? t('grants.wholeOperation')}</bdi>
                  </Table.Td>
                  <Table.Td>{orgName(g.organisationId) ?? t('grants.allOrganisations')}</Table.Td>
                  {canManage && (
                    <Table.Td ta="end">
                      <ConfirmButton
                        size="compact-xs"
                        variant="subtle"
                        loading={remove.isPending && remove.variables === g.id}
                        title={t('grants.removeTitle')}
                        message={t('grants.removeConfirm', { grant: `${roleName(g.roleId)} · ${g.operationId}`, user: user.displayName })}
                        confirmLabel={t('grants.remove')}
                        onConfirm={() => remove.mutate(g.id)}
                      >
                        {t('grants.remove')}
                      </ConfirmButton>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AddGrantModal userId={user.id} defaultOperation={op} opened={adding} onClose={() => setAdding(false)} />
    </Card>
  );
}
