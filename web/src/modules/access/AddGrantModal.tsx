import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Select, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { accessKeys, useRoles, usersApi } from './api';
import { OperationSelect, OrganisationSelect } from './selects';
import { useRoleLabel } from './roleLabel';
import { AreaPicker } from '../places/AreaPicker';
import { fieldErrors } from '../../shell/forms';
import { useErrorMessage } from '../../shell/states';

interface Props {
  userId: string;
  defaultOperation: string;
  opened: boolean;
  onClose: () => void;
}

export function AddGrantModal({ userId, defaultOperation, opened, onClose }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const roles = useRoles();
  const roleLabel = useRoleLabel();
  const errorMessage = useErrorMessage();
  const [roleId, setRoleId] = useState<string | null>(null);
  const [operationId, setOperationId] = useState<string | null>(defaultOperation);
  const [areaPcode, setAreaPcode] = useState<string | null>(null);
  const [organisationId, setOrganisationId] = useState<string | null>(null);
  const [missing, setMissing] = useState<Record<string, string>>({});

  useEffect(() => {
    if (opened) {
      setOperationId(defaultOperation);
      setMissing({});
    }
  }, [opened, defaultOperation]);

  const mutation = useMutation({
    mutationFn: () =>
      usersApi.addGrant(userId, {
        roleId: roleId!,
        operationId: operationId!,
        areaPcode: areaPcode ?? undefined,
        organisationId: organisationId ?? undefined,
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: accessKeys.users });
      notifications.show({ color: 'teal', message: t('grants.added') });
      setRoleId(null);
      setAreaPcode(null);
      setOrganisationId(null);
      mutation.reset();
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!roleId) m.roleId = t('common.required');
    if (!operationId) m.operationId = t('common.required');
    setMissing(m);
    if (Object.keys(m).length === 0) mutation.mutate();
  };
  const fields = { ...fieldErrors(mutation.error), ...missing };
  const general = mutation.error && Object.keys(fieldErrors(mutation.error)).length === 0 ? errorMessage(mutation.error) : null;

  return (
    <Modal opened={opened} onClose={onClose} title={t('grants.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t('grants.role')}
            required
            searchable
            data={(roles.data ?? []).map((r) => ({ value: r.id, label: roleLabel(r.id) }))}
            value={roleId}
            onChange={setRoleId}
            error={fields.roleId}
            placeholder={roles.isPending ? t('common.loading') : undefined}
            data-autofocus
          />
          <OperationSelect
            required
            value={operationId}
            onChange={(v) => {
              setOperationId(v);
              setAreaPcode(null);
            }}
            error={fields.operationId}
          />
          {operationId && <AreaPicker operation={operationId} value={areaPcode} onChange={setAreaPcode} error={fields.areaPcode} />}
          <OrganisationSelect
            label={t('grants.organisation')}
            description={t('grants.organisationHelp')}
            value={organisationId}
            onChange={setOrganisationId}
            error={fields.organisationId}
          />
          {general && (
            <Alert color="red" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {t('grants.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
