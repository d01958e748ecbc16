import { Avatar, Menu, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useLogout, type Me } from './session';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}

export function UserMenu({ me, op }: { me: Me; op: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={t('shell.userMenu')} data-testid="user-menu">
          <Avatar color="teal" radius="xl" size="md">
            {initials(me.user.displayName)}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {me.user.displayName}
          </Text>
          <Text size="xs" c="dimmed">
            {me.user.username}
            {me.user.isDemo ? ` · ${t('shell.demoAccount')}` : ''}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item onClick={() => void navigate({ to: '/op/$op/tokens', params: { op } })}>{t('shell.myTokens')}</Menu.Item>
        <Menu.Item
          color="red"
          data-testid="logout"
          onClick={async () => {
            await logout().catch(() => undefined);
            await navigate({ to: '/login', search: {} });
          }}
        >
          {t('shell.logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
