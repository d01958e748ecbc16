import { Divider, ScrollArea, Text } from '@mantine/core';
import { useLocation } from '@tanstack/react-router';
import { NavLinkLink } from './links';
import { useTranslation } from 'react-i18next';
import { MODULES } from './modules';
import { can, type Me } from './session';

interface Props {
  me: Me;
  op: string;
  onNavigate: () => void;
}

export function Navigation({ me, op, onNavigate }: Props) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const base = `/op/${op}`;
  const active = (path: string, exact = false) => (exact ? pathname === path || pathname === path + '/' : pathname.startsWith(path));
  const canUsers = can(me, 'access.users.read');
  const canAudit = can(me, 'audit.read');

  return (
    <ScrollArea type="auto" style={{ flex: 1 }}>
      <nav aria-label={t('shell.navigation')}>
        <NavLinkLink
          to="/op/$op"
          params={{ op }}
          activeOptions={{ exact: true }}
          label={t('modules.dashboard')}
          active={active(base, true)}
          onClick={onNavigate}
        />
        {MODULES.map((m) => (
          <NavLinkLink
            key={m.slug}
            to="/op/$op/$module"
            params={{ op, module: m.slug }}
            label={t(`modules.${m.key}`)}
            active={active(`${base}/${m.slug}`)}
            onClick={onNavigate}
            data-testid={`nav-${m.slug}`}
          />
        ))}
        {(canUsers || canAudit) && (
          <>
            <Divider my="sm" />
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
              {t('modules.admin')}
            </Text>
            {canUsers && (
              <NavLinkLink
                to="/op/$op/admin/users"
                params={{ op }}
                search={{}}
                label={t('modules.users')}
                active={active(`${base}/admin/users`)}
                onClick={onNavigate}
                data-testid="nav-users"
              />
            )}
            {canUsers && (
              <NavLinkLink
                to="/op/$op/admin/roles"
                params={{ op }}
                label={t('modules.roles')}
                active={active(`${base}/admin/roles`)}
                onClick={onNavigate}
                data-testid="nav-roles"
              />
            )}
            {canAudit && (
              <NavLinkLink
                to="/op/$op/admin/audit"
                params={{ op }}
                label={t('modules.audit')}
                active={active(`${base}/admin/audit`)}
                onClick={onNavigate}
                data-testid="nav-audit"
              />
            )}
          </>
        )}
      </nav>
    </ScrollArea>
  );
}
