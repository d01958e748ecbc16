import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { accessKeys, usersApi, type User } from './api';
import { LanguageSelect, OrganisationSelect } from './selects';
import { fieldErrors } from '../../shell/forms';
import { useErrorMessage } from '../../shell/states';

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (u: User) => void;
}

const EMPTY = { username: '', displayName: '', email: '', password: '', organisationId: null as string | null, language: 'en' };

export function CreateUserModal({ opened, onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form, setForm] = useState(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = <K extends keyof typeof EMPTY>(k: K, v: (typeof EMPTY)[K]) => setForm((f) => ({ ...f, [k]: v }));

  const mutation = useMutation({
    mutationFn: () =>
      usersApi.create({
        username: form.username.trim(),
        displayName: form.displayName.trim(),
        email: form.email.trim() || undefined,
        password: form.password,
        organisationId: form.organisationId ?? undefined,
        language: form.language,
      }),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: accessKeys.users });
      notifications.show({ color: 'teal', message: t('users.createdDone', { name: u.displayName }) });
      setForm(EMPTY);
      onClose();
      onCreated(u);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (!form.username.trim()) missing.username = t('common.required');
    if (!form.displayName.trim()) missing.displayName = t('common.required');
    if (form.password.length < 10) missing.password = t('users.passwordTooShort', { min: 10 });
    setLocal(missing);
    if (Object.keys(missing).length === 0) mutation.mutate();
  };

  const fields = { ...fieldErrors(mutation.error), ...local };
  const general = mutation.error && Object.keys(fieldErrors(mutation.error)).length === 0 ? errorMessage(mutation.error) : null;

  return (
    <Modal opened={opened} onClose={onClose} title={t('users.create')} size="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('users.username')}
            description={t('users.usernameHelp')}
            required
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            dir="ltr"
            value={form.username}
            onChange={(e) => set('username', e.currentTarget.value)}
            error={fields.username}
            data-autofocus
          />
          <TextInput label={t('users.displayName')} required value={form.displayName} onChange={(e) => set('displayName', e.currentTarget.value)} error={fields.displayName} />
          <TextInput label={t('users.email')} type="email" dir="ltr" value={form.email} onChange={(e) => set('email', e.currentTarget.value)} error={fields.email} />
          <PasswordInput
            label={t('users.password')}
            description={t('users.passwordHelp', { min: 10 })}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password', e.currentTarget.value)}
            error={fields.password}
          />
          <OrganisationSelect value={form.organisationId} onChange={(v) => set('organisationId', v)} error={fields.organisationId} />
          <LanguageSelect value={form.language} onChange={(v) => v && set('language', v)} error={fields.language} />
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
              {t('users.createSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
