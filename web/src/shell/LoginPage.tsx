import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import { isLanguage, setLanguage, storedLanguage } from '../i18n';
import { LanguageMenu } from './LanguageMenu';
import { fieldErrors } from './forms';
import { login, meKey } from './session';
import { useErrorMessage } from './states';

/** Only same-app paths: never send a user to another site after login. */
function safeRedirect(target: string | undefined): string {
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/login') ? target : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const search = useSearch({ from: '/login' });
  const errorMessage = useErrorMessage();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ username?: string; password?: string }>({});

  const mutation = useMutation({
    mutationFn: () => login(username.trim(), password),
    onSuccess: async (me) => {
      qc.clear();
      qc.setQueryData(meKey, me);
      if (!storedLanguage() && isLanguage(me.user.language)) await setLanguage(me.user.language, false);
      await navigate({ to: safeRedirect(search.redirect) });
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const need = {
      username: username.trim() ? undefined : t('login.usernameRequired'),
      password: password ? undefined : t('login.passwordRequired'),
    };
    setMissing(need);
    if (need.username || need.password) return;
    mutation.mutate();
  };

  const err = mutation.error;
  const fields = fieldErrors(err);
  let message: string | null = null;
  if (err) {
    if (isApiError(err) && err.code === 'INVALID_CREDENTIALS') message = t('login.invalid');
    else if (isApiError(err) && err.code === 'DEMO_MODE_ONLY') message = t('login.demoOnly');
    else if (isApiError(err) && err.status === 429)
      message = err.retryAfter ? t('login.rateLimitedWait', { seconds: err.retryAfter }) : t('login.rateLimited');
    else message = errorMessage(err);
  }

  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="flex-end" p="sm">
        <LanguageMenu />
      </Group>
      <Center px="sm" pb="xl">
        <Paper withBorder shadow="sm" p={{ base: 'md', sm: 'xl' }} radius="lg" w="100%" maw={420}>
          <Stack gap={4} mb="lg">
            <Title order={1} c="teal.8">
              {t('app.name')}
            </Title>
            <Text c="dimmed" size="sm">
              {t('app.tagline')}
            </Text>
          </Stack>
          <form onSubmit={onSubmit} noValidate>
            <Stack>
              <TextInput
                name="username"
                label={t('login.username')}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={missing.username ?? fields.username}
                data-autofocus
                autoFocus
              />
              <PasswordInput
                name="password"
                label={t('login.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={missing.password ?? fields.password}
              />
              {message && (
                <Alert color="red" role="alert" data-testid="login-error">
                  {message}
                </Alert>
              )}
              <Button type="submit" loading={mutation.isPending} fullWidth>
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
