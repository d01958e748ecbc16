import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { schemaText } from '../../shared/messages';

export const loginBody = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(500),
});

export const grantView = z.object({
  id: z.string().optional(),
  roleId: z.string(),
  operationId: z.string(),
  areaPcode: z.string().nullable(),
  organisationId: z.string().nullable(),
});

export const meResponse = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    organisationId: z.string().nullable(),
    language: z.string(),
    isDemo: z.boolean(),
  }),
  /** Echo this in the X-CSRF-Token header of every cookie-authenticated change. */
  csrfToken: z.string().nullable(),
  grants: z.array(grantView),
  /** Permissions held per operation id (union over grants there). */
  permissions: z.record(z.string(), z.array(z.string())),
});
export type Me = z.infer<typeof meResponse>;

// ---------------------------------------------------------------------------------------------
// Access administration: users, grants, roles, my account, API tokens, audit log.
// ---------------------------------------------------------------------------------------------

/** The interface languages Hamrah ships. */
export const LANGUAGES = ['en', 'fa-AF', 'ps', 'ur'] as const;
export const languageField = z.enum(LANGUAGES);

/** Minimum password length; kept equal to credentials.ts MIN_PASSWORD_LENGTH (a test checks it). */
export const PASSWORD_MIN = 10;
const newPassword = z.string().min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters.`).max(500);

export const userGrantView = z.object({
  id: z.string(),
  roleId: z.string(),
  operationId: z.string(),
  areaPcode: z.string().nullable(),
  organisationId: z.string().nullable(),
});
export type UserGrantView = z.infer<typeof userGrantView>;

export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  organisationId: z.string().nullable(),
  organisationAcronym: z.string().nullable(),
  language: z.string(),
  isDemo: z.boolean(),
  disabled: z.boolean(),
  /** ISO 8601. */
  createdAt: z.string(),
  /** Only grants in operations where the viewer holds access.users.read. */
  grants: z.array(userGrantView),
});
export type UserView = z.infer<typeof userView>;

export const usersQuery = pageQuery.extend({
  /** Part of the username or display name, any case. */
  q: z.string().trim().max(100).optional(),
});
export const usersPage = pageOf(userView);

export const grantBody = z.object({
  roleId: z.string().trim().min(1).max(64),
  operationId: z.string().trim().min(2).max(10),
  /** Limits the grant to this admin area and everything under it. */
  areaPcode: z.string().trim().min(2).max(20).nullish(),
  /** Limits the grant to rows of this organisation. */
  organisationId: z.uuid().nullish(),
});
export type GrantBody = z.infer<typeof grantBody>;

export const createUserBody = z.object({
  username: z.string().trim().min(2).max(63),
  displayName: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullish(),
  password: newPassword,
  organisationId: z.uuid().nullish(),
  language: languageField.optional(),
  /** Grants to give at once; the user is created with all of them or not at all. */
  grants: z.array(grantBody).max(50).optional(),
});

export const updateUserBody = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).nullable().optional(),
  organisationId: z.uuid().nullable().optional(),
  language: languageField.optional(),
  disabled: z.boolean().optional(),
  /** Sets a new password and ends the user's sessions. */
  password: newPassword.optional(),
});
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const idParams = z.object({ id: z.string().max(100) });
export const grantParams = z.object({ id: z.string().max(100), grantId: z.string().max(100) });

export const roleView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  /** Built-in roles are managed by code and cannot be edited or deleted. */
  builtIn: z.boolean(),
  /** Number of users holding at least one grant of this role. */
  userCount: z.number().int(),
});
export type RoleView = z.infer<typeof roleView>;

export const ROLE_ID_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/;
export const createRoleBody = z.object({
  id: z.string().regex(ROLE_ID_PATTERN, schemaText('access.roleIdFormat')),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
  permissions: z.array(z.string().max(100)).max(200),
});
export const updateRoleBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  permissions: z.array(z.string().max(100)).max(200).optional(),
});

export const permissionView = z.object({ id: z.string(), description: z.string() });
export type PermissionView = z.infer<typeof permissionView>;

export const updateMeBody = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  language: languageField.optional(),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(500),
  newPassword,
});

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  /** The first 8 characters after `hmr_`, to tell tokens apart. */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof tokenView>;

export const createTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  /** Without it the token does not expire (until revoked). */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const createTokenResponse = z.object({
  /** Shown once: only its SHA-256 hash is stored. */
  token: z.string(),
  item: tokenView,
});

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
export const auditQuery = pageQuery.extend({
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(100).optional(),
  actorId: z.uuid().optional(),
  /** Operation id; rows without an operation are shown only when this is absent. */
  operation: z.string().min(2).max(10).optional(),
  /** Inclusive; a date alone means the start of that day (UTC). */
  from: dateOrDateTime.optional(),
  /** Inclusive; a date alone means the whole of that day (UTC). */
  to: dateOrDateTime.optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntryView = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  operationId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  sensitiveRead: z.boolean(),
  requestId: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;
export const auditPage = pageOf(auditEntryView);
