import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { AnchorLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import { accessKeys, usersApi } from './api';
import { CreateUserModal } from './CreateUserModal';
import { useRoleLabel } from './roleLabel';
import { can, useMe } from '../../shell/session';
import { DateLabel } from '../../shell/DateLabel';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { useOperation } from '../places/api';

const PAGE = 50;

export default function UsersPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/admin/users' });
  const search = useSearch({ from: '/app/op/$op/admin/users' });
  const navigate = useNavigate({ from: '/op/$op/admin/users' });
  const me = useMe();
  const operation = useOperation(op);
  const roleLabel = useRoleLabel();
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 300);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [creating, setCreating] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const list = useQuery({
    queryKey: [...accessKeys.users, 'list', q, cursor],
    queryFn: ({ signal }) => usersApi.list({ q: q || undefined, limit: PAGE, cursor }, signal),
    placeholderData: keepPreviousData,
  });

  const canManage = can(me.data, 'access.users.manage');
  const onSearch = (value: string) => {
    setText(value);
    setCursors([undefined]);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('modules.users')}</Title>
        {canManage && (
          <Button onClick={() => setCreating(true)} data-testid="create-user">
            {t('users.create')}
          </Button>
        )}
      </Group>
      <TextInput
        type="search"
        placeholder={t('users.searchPlaceholder')}
        aria-label={t('users.search')}
        value={text}
        onChange={(e) => onSearch(e.currentTarget.value)}
        onBlur={() => void navigate({ search: { q: text.trim() || undefined }, replace: true })}
        maw={420}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty>{q ? t('users.noMatch', { q }) : t('users.none')}</Empty>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('users.name')}</Table.Th>
                  <Table.Th>{t('users.organisation')}</Table.Th>
                  <Table.Th>{t('users.roles')}</Table.Th>
                  <Table.Th>{t('users.status')}</Table.Th>
                  <Table.Th>{t('users.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((u) => (
                  <Table.Tr key={u.id} style={{ opacity: u.disabled ? 0.6 : 1 }}>
                    <Table.Td>
                      <AnchorLink to="/op/$op/admin/users/$userId" params={{ op, userId: u.id }} fw={600} size="sm" c="teal.8">
                        {u.displayName}
                      </AnchorLink>
                      <Text size="xs" c="dimmed" dir="ltr" ta="start">
                        {u.username}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{u.organisationAcronym ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {u.grants.slice(0, 4).map((g) => (
                          <Badge key={g.id} variant="light" size="sm" color="gray" tt="none">
                            <bdi>{roleLabel(g.roleId)}</bdi> · {g.operationId}
                            {g.areaPcode ? ` · ${g.areaPcode}` : ''}
                          </Badge>
                        ))}
                        {u.grants.length > 4 && (
                          <Text size="xs" c="dimmed">
                            {t('users.moreGrants', { count: u.grants.length - 4 })}
                          </Text>
                        )}
                        {u.grants.length === 0 && (
                          <Text size="xs" c="dimmed">
                            {t('users.noGrants')}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={u.disabled ? 'red' : 'teal'} variant="light" size="sm">
                          {u.disabled ? t('users.disabled') : t('users.active')}
                        </Badge>
                        {u.isDemo && (
                          <Badge color="yellow" variant="light" size="sm">
                            {t('users.demo')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        <DateLabel value={u.createdAt} solarHijri={operation.data?.solarHijri} />
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {list.data && list.data.items.length > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t('users.total', { count: list.data.total })}
          </Text>
          <Group gap="xs">
            <Button variant="default" size="xs" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('common.previous')}
            </Button>
            <Button
              variant="default"
              size="xs"
              disabled={!list.data.nextCursor}
              onClick={() => list.data.nextCursor && setCursors((c) => [...c, list.data.nextCursor!])}
            >
              {t('common.next')}
            </Button>
          </Group>
        </Group>
      )}
      <CreateUserModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(u) => void navigate({ to: '/op/$op/admin/users/$userId', params: { op, userId: u.id } })}
      />
    </Stack>
  );
}
