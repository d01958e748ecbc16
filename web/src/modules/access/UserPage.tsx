import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useParams } from '@tanstack/react-router';
import { AnchorLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import { accessKeys, usersApi, useUser, type User, type UserPatch } from './api';
import { GrantsTable } from './GrantsTable';
import { LanguageSelect, OrganisationSelect } from './selects';
import { can, useMe } from '../../shell/session';
import { ConfirmButton } from '../../shell/ConfirmButton';
import { DateLabel } from '../../shell/DateLabel';
import { fieldErrors } from '../../shell/forms';
import { ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { isNotFound } from '../../api';
import { useOperation } from '../places/api';

function EditForm({ user, canManage }: { user: User; canManage: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const initial = { displayName: user.displayName, email: user.email ?? '', organisationId: user.organisationId, language: user.language, password: '' };
  const [form, setForm] = useState(initial);
  useEffect(() => setForm(initial), [user]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = useMutation({
    mutationFn: () => {
      const patch: UserPatch = {};
      if (form.displayName.trim() !== user.displayName) patch.displayName = form.displayName.trim();
      if ((form.email.trim() || null) !== user.email) patch.email = form.email.trim() || null;
      if (form.organisationId !== user.organisationId) patch.organisationId = form.organisationId;
      if (form.language !== user.language) patch.language = form.language;
      if (form.password) patch.password = form.password;
      return usersApi.update(user.id, patch);
    },
    onSuccess: (u) => {
      qc.setQueryData(accessKeys.user(user.id), u);
      void qc.invalidateQueries({ queryKey: accessKeys.users });
      notifications.show({ color: 'teal', message: t('users.saved') });
      setForm((f) => ({ ...f, password: '' }));
    },
  });
  const fields = fieldErrors(save.error);
  const general = save.error && Object.keys(fields).length === 0 ? errorMessage(save.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={3} size="h4">
            {t('users.profile')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('users.displayName')} required disabled={!canManage} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })} error={fields.displayName} />
            <TextInput label={t('users.email')} type="email" dir="ltr" disabled={!canManage} value={form.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} error={fields.email} />
            <OrganisationSelect disabled={!canManage} value={form.organisationId} onChange={(v) => setForm({ ...form, organisationId: v })} error={fields.organisationId} />
            <LanguageSelect disabled={!canManage} value={form.language} onChange={(v) => v && setForm({ ...form, language: v })} error={fields.language} />
            {canManage && (
              <PasswordInput
                label={t('users.newPassword')}
                description={t('users.newPasswordHelp')}
                autoComplete="new-password"
                value={form.password}
                onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
                error={fields.password}
              />
            )}
          </SimpleGrid>
          {general && (
            <Alert color="red" role="alert">
              {general}
            </Alert>
          )}
          {canManage && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

export default function UserPage() {
  const { t } = useTranslation();
  const { op, userId } = useParams({ from: '/app/op/$op/admin/users/$userId' });
  const me = useMe();
  const user = useUser(userId);
  const operation = useOperation(op);
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const canManage = can(me.data, 'access.users.manage');

  const toggle = useMutation({
    mutationFn: (disabled: boolean) => usersApi.update(userId, { disabled }),
    onSuccess: (u) => {
      qc.setQueryData(accessKeys.user(userId), u);
      void qc.invalidateQueries({ queryKey: accessKeys.users });
      notifications.show({ color: 'teal', message: u.disabled ? t('users.disabledDone', { name: u.displayName }) : t('users.enabledDone', { name: u.displayName }) });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
  });

  const back = (
    <AnchorLink to="/op/$op/admin/users" params={{ op }} search={{}} size="sm">
      {t('users.backToList')}
    </AnchorLink>
  );
  if (user.isPending) return <Loading />;
  if (user.isError)
    return (
      <Stack>
        {back}
        {isNotFound(user.error) ? <Alert color="yellow">{t('users.notFound')}</Alert> : <ErrorState error={user.error} onRetry={() => void user.refetch()} />}
      </Stack>
    );
  const u = user.data;
  const isSelf = me.data?.user.id === u.id;

  return (
    <Stack gap="md" maw={960}>
      {back}
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>{u.displayName}</Title>
          <Group gap="xs">
            <Text c="dimmed" dir="ltr">
              {u.username}
            </Text>
            <Badge color={u.disabled ? 'red' : 'teal'} variant="light">
              {u.disabled ? t('users.disabled') : t('users.active')}
            </Badge>
            {u.isDemo && (
              <Badge color="yellow" variant="light">
                {t('users.demo')}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {t('users.createdOn')} <DateLabel value={u.createdAt} solarHijri={operation.data?.solarHijri} />
          </Text>
        </div>
        {canManage && !isSelf && (
          u.disabled ? (
            <Button variant="light" loading={toggle.isPending} onClick={() => toggle.mutate(false)}>
              {t('users.enable')}
            </Button>
          ) : (
            <ConfirmButton
              variant="light"
              loading={toggle.isPending}
              title={t('users.disableTitle')}
              message={t('users.disableConfirm', { name: u.displayName })}
              confirmLabel={t('users.disable')}
              onConfirm={() => toggle.mutate(true)}
            >
              {t('users.disable')}
            </ConfirmButton>
          )
        )}
      </Group>
      <EditForm user={u} canManage={canManage} />
      <GrantsTable user={u} op={op} canManage={canManage} />
    </Stack>
  );
}
