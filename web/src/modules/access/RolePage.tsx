import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useNavigate, useParams } from '@tanstack/react-router';
import { AnchorLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import { accessKeys, rolesApi, usePermissionCatalogue, useRoles, type Role } from './api';
import { groupPermissions, permissionGroupLabel, permissionText } from './permissionText';
import { can, useMe } from '../../shell/session';
import { ConfirmButton } from '../../shell/ConfirmButton';
import { fieldErrors } from '../../shell/forms';
import { ErrorState, Loading, useErrorMessage } from '../../shell/states';

const NEW = 'new';

export default function RolePage() {
  const { t } = useTranslation();
  const { op, roleId } = useParams({ from: '/app/op/$op/admin/roles/$roleId' });
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const roles = useRoles();
  const catalogue = usePermissionCatalogue();
  const errorMessage = useErrorMessage();
  const isNew = roleId === NEW;
  const role: Role | undefined = roles.data?.find((r) => r.id === roleId);
  const readOnly = !can(me.data, 'access.roles.manage') || !!role?.builtIn;

  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [perms, setPerms] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (role) {
      setId(role.id);
      setName(role.builtIn ? t(`roleNames.${role.id}`, { defaultValue: role.name }) : role.name);
      setDescription(role.builtIn ? t(`roleDescriptions.${role.id}`, { defaultValue: role.description }) : role.description);
      setPerms(new Set(role.permissions));
    }
  }, [role, t]);

  const groups = useMemo(() => groupPermissions(catalogue.data ?? []), [catalogue.data]);
  const toggle = (p: string, on: boolean) =>
    setPerms((prev) => {
      const next = new Set(prev);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });

  const save = useMutation({
    mutationFn: () => {
      const permissions = [...perms].sort();
      return isNew
        ? rolesApi.create({ id: id.trim(), name: name.trim(), description: description.trim(), permissions })
        : rolesApi.update(roleId, { name: name.trim(), description: description.trim(), permissions });
    },
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: accessKeys.roles });
      notifications.show({ color: 'teal', message: t('roles.saved', { name: r.name }) });
      if (isNew) void navigate({ to: '/op/$op/admin/roles/$roleId', params: { op, roleId: r.id }, replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => rolesApi.remove(roleId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: accessKeys.roles });
      notifications.show({ color: 'teal', message: t('roles.deleted') });
      void navigate({ to: '/op/$op/admin/roles', params: { op } });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
  });

  const back = (
    <AnchorLink to="/op/$op/admin/roles" params={{ op }} size="sm">
      {t('roles.backToList')}
    </AnchorLink>
  );
  if (roles.isPending || catalogue.isPending) return <Loading />;
  if (roles.isError || catalogue.isError) return <ErrorState error={roles.error ?? catalogue.error} onRetry={() => void roles.refetch()} />;
  if (!isNew && !role)
    return (
      <Stack>
        {back}
        <Alert color="yellow">{t('roles.notFound')}</Alert>
      </Stack>
    );

  const fields = fieldErrors(save.error);
  const general = save.error && Object.keys(fields).length === 0 ? errorMessage(save.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md" maw={960}>
        {back}
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={2}>{isNew ? t('roles.create') : name}</Title>
            {role?.builtIn && (
              <Badge variant="light" color="gray">
                {t('roles.builtIn')}
              </Badge>
            )}
          </Group>
          {!readOnly && !isNew && (
            <ConfirmButton
              variant="light"
              loading={remove.isPending}
              title={t('roles.deleteTitle')}
              message={role && role.userCount > 0 ? t('roles.deleteInUse', { count: role.userCount }) : t('roles.deleteConfirm', { name })}
              confirmLabel={t('roles.delete')}
              onConfirm={() => remove.mutate()}
            >
              {t('roles.delete')}
            </ConfirmButton>
          )}
        </Group>
        {role?.builtIn && <Alert color="gray">{t('roles.builtInReadOnly')}</Alert>}
        <Card withBorder padding="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('roles.id')}
              description={isNew ? t('roles.idHelp') : undefined}
              required
              dir="ltr"
              disabled={!isNew}
              value={id}
              onChange={(e) => setId(e.currentTarget.value)}
              error={fields.id}
            />
            <TextInput label={t('roles.name')} required disabled={readOnly} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} />
          </SimpleGrid>
          <Textarea mt="sm" label={t('roles.description')} autosize minRows={2} disabled={readOnly} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields.description} />
        </Card>
        <Title order={3} size="h4">
          {t('roles.permissions')}{' '}
          <Text span c="dimmed" size="sm">
            ({perms.size})
          </Text>
        </Title>
        {fields.permissions && <Alert color="red">{fields.permissions}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          {groups.map(([group, items]) => {
            const on = items.filter((p) => perms.has(p.id)).length;
            return (
              <Card withBorder padding="sm" key={group}>
                <Checkbox
                  fw={700}
                  mb="xs"
                  label={permissionGroupLabel(t, group)}
                  checked={on === items.length}
                  indeterminate={on > 0 && on < items.length}
                  readOnly={readOnly}
                  aria-readonly={readOnly}
                  onChange={(e) => {
                    if (readOnly) return;
                    const checked = e.currentTarget.checked;
                    setPerms((prev) => {
                      const next = new Set(prev);
                      for (const p of items) {
                        if (checked) next.add(p.id);
                        else next.delete(p.id);
                      }
                      return next;
                    });
                  }}
                />
                <Stack gap={6} ps="md">
                  {items.map((p) => (
                    <Checkbox
                      key={p.id}
                      size="sm"
                      readOnly={readOnly}
                      aria-readonly={readOnly}
                      checked={perms.has(p.id)}
                      onChange={(e) => !readOnly && toggle(p.id, e.currentTarget.checked)}
                      label={permissionText(t, p.id, p.description)}
                      description={<bdi dir="ltr">{p.id}</bdi>}
                    />
                  ))}
                </Stack>
              </Card>
            );
          })}
        </SimpleGrid>
        {general && (
          <Alert color="red" role="alert">
            {general}
          </Alert>
        )}
        {!readOnly && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {isNew ? t('roles.create') : t('common.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
