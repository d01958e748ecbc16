
import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uuid, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from '../../db/columns';
import { operations, organisations } from '../places/schema';

export const users = pgTable('users', {
  id: idColumn(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  email: text('email'),
  passwordHash: text('password_hash').notNull(),
  /** The organisation the user works for (partners see only their own org's rows). */
  organisationId: uuid('organisation_id').references(() => organisations.id),
  language: text('language').notNull().default('en'),
  /** Demo users can log in only while the server runs in demo mode. */
  isDemo: boolean('is_demo').notNull().default(false),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('users_org_idx').on(t.organisationId)]);

/** A role is a named set of dot-named permissions (see src/server/permissions.ts). */
export const roles = pgTable('roles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  permissions: text('permissions').array().notNull(),
  builtIn: boolean('built_in').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A grant = role × operation × optional admin-area subtree × optional organisation. */
export const grants = pgTable(
  'grants',
  {
    id: idColumn(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    roleId: text('role_id').notNull().references(() => roles.id),
    operationId: text('operation_id').notNull().references(() => operations.id),
    /** Limits the grant to this area and everything under it. */
    areaPcode: text('area_pcode'),
    /** Limits the grant to rows of this organisation. */
    organisationId: uuid('organisation_id').references(() => organisations.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('grants_user_idx').on(t.userId),
    index('grants_role_idx').on(t.roleId),
    index('grants_operation_idx').on(t.operationId),
    index('grants_org_idx').on(t.organisationId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: idColumn(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** First characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [unique('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

/**
 * Append-only: a trigger refuses UPDATE and DELETE (see the migration). Written in the same
 * transaction as the change it records.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // No ON DELETE action: users are disabled, never deleted, once they have acted.
    actorId: uuid('actor_id').references(() => users.id),
    operationId: text('operation_id').references(() => operations.id),
    /** e.g. `user.create`, `grant.delete`, `case.read`. */
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    /** For changes: {field: {before, after}} of the changed fields only. Never secrets. */
    changes: jsonb('changes'),
    /** True for reads of data marked sensitive. */
    sensitiveRead: boolean('sensitive_read').notNull().default(false),
    requestId: text('request_id'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_actor_idx').on(t.actorId),
    index('audit_log_operation_idx').on(t.operationId),
  ],
);
