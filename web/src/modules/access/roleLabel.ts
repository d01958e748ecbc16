import { useTranslation } from 'react-i18next';
import { useRoles } from './api';

/** The name to show for a role id: translated for built-in roles, as written for custom ones. */
export function useRoleLabel() {
  const { t } = useTranslation();
  const roles = useRoles();
  return (id: string): string => {
    const role = roles.data?.find((r) => r.id === id);
    if (role && !role.builtIn) return role.name;
    return t(`roleNames.${id}`, { defaultValue: role?.name ?? id });
  };
}
