import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Code, CopyButton, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { accessKeys, tokensApi, type ApiToken } from './api';
import { useOperation } from '../places/api';
import { ConfirmButton } from '../../shell/ConfirmButton';
import { DateLabel } from '../../shell/DateLabel';
import { fieldErrors } from '../../shell/forms';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shell/states';

const EXPIRY = ['30', '90', '365', 'never'] as const;

function status(tok: ApiToken): 'revoked' | 'expired' | 'active' {
  if (tok.revokedAt) return 'revoked';
  if (tok.expiresAt && new Date(tok.expiresAt).getTime() < Date.now()) return 'expired';
  return 'active';
}

export default function TokensPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/tokens' });
  const operation = useOperation(op);
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const tokens = useQuery({ queryKey: accessKeys.tokens, queryFn: ({ signal }) => tokensApi.list(signal) });
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<string>('90');
  const [fresh, setFresh] = useState<{ token: string; name: string } | null>(null);
  const [missing, setMissing] = useState<string | undefined>();

  const create = useMutation({
    mutationFn: () => tokensApi.create({ name: name.trim(), expiresInDays: expiry === 'never' ? undefined : Number(expiry) }),
    onSuccess: (r) => {
      setFresh({ token: r.token, name: r.item.name });
      setName('');
      void qc.invalidateQueries({ queryKey: accessKeys.tokens });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => tokensApi.revoke(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: accessKeys.tokens });
      notifications.show({ color: 'teal', message: t('tokens.revoked') });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e) }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setMissing(t('common.required'));
      return;
    }
    setMissing(undefined);
    create.mutate();
  };
  const fields = fieldErrors(create.error);
  const general = create.error && Object.keys(fields).length === 0 ? errorMessage(create.error) : null;
  const sh = operation.data?.solarHijri;

  return (
    <Stack gap="md" maw={960}>
      <Title order={2}>{t('tokens.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('tokens.intro')}
      </Text>
      {fresh && (
        <Alert color="teal" title={t('tokens.createdTitle', { name: fresh.name })} withCloseButton onClose={() => setFresh(null)} data-testid="new-token">
          <Stack gap="xs">
            <Text size="sm">{t('tokens.copyNow')}</Text>
            <Group gap="xs" wrap="nowrap" dir="ltr">
              <Code style={{ wordBreak: 'break-all', flex: 1 }}>{fresh.token}</Code>
              <CopyButton value={fresh.token}>
                {({ copied, copy }) => (
                  <Button size="xs" color={copied ? 'teal' : 'blue'} onClick={copy}>
                    {copied ? t('common.copied') : t('common.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        </Alert>
      )}
      <Card withBorder padding="md">
        <form onSubmit={submit} noValidate>
          <Group align="flex-start" gap="sm">
            <TextInput
              label={t('tokens.name')}
              placeholder={t('tokens.namePlaceholder')}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={missing ?? fields.name}
              style={{ flex: '1 1 220px' }}
            />
            <Select
              label={t('tokens.expires')}
              data={EXPIRY.map((v) => ({ value: v, label: v === 'never' ? t('tokens.never') : t('tokens.days', { count: Number(v) }) }))}
              value={expiry}
              onChange={(v) => v && setExpiry(v)}
              allowDeselect={false}
              error={fields.expiresInDays}
              w={160}
            />
            <Button type="submit" mt={{ base: 0, xs: 25 }} loading={create.isPending}>
              {t('tokens.create')}
            </Button>
          </Group>
          {general && (
            <Alert color="red" mt="sm" role="alert">
              {general}
            </Alert>
          )}
        </form>
      </Card>
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <Empty>{t('tokens.none')}</Empty>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" data-testid="tokens-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('tokens.name')}</Table.Th>
                  <Table.Th>{t('tokens.prefix')}</Table.Th>
                  <Table.Th>{t('tokens.createdAt')}</Table.Th>
                  <Table.Th>{t('tokens.lastUsed')}</Table.Th>
                  <Table.Th>{t('tokens.expires')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.data.map((tok) => {
                  const s = status(tok);
                  return (
                    <Table.Tr key={tok.id} style={{ opacity: s === 'active' ? 1 : 0.6 }}>
                      <Table.Td>{tok.name}</Table.Td>
                      <Table.Td>
                        <Code dir="ltr">hmr_{tok.prefix}…</Code>
                      </Table.Td>
                      <Table.Td>
                        <DateLabel value={tok.createdAt} solarHijri={sh} size="sm" />
                      </Table.Td>
                      <Table.Td>{tok.lastUsedAt ? <DateLabel value={tok.lastUsedAt} solarHijri={sh} size="sm" /> : <Text size="sm" c="dimmed">{t('tokens.neverUsed')}</Text>}</Table.Td>
                      <Table.Td>{tok.expiresAt ? <DateLabel value={tok.expiresAt} solarHijri={sh} size="sm" /> : <Text size="sm">{t('tokens.never')}</Text>}</Table.Td>
                      <Table.Td ta="end">
                        {s === 'active' ? (
                          <ConfirmButton
                            size="compact-xs"
                            variant="subtle"
                            loading={revoke.isPending && revoke.variables === tok.id}
                            title={t('tokens.revokeTitle')}
                            message={t('tokens.revokeConfirm', { name: tok.name })}
                            confirmLabel={t('tokens.revoke')}
                            onConfirm={() => revoke.mutate(tok.id)}
                          >
                            {t('tokens.revoke')}
                          </ConfirmButton>
                        ) : (
                          <Badge color="gray" variant="light" size="sm">
                            {t(`tokens.status.${s}`)}
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}
