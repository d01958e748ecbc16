import { z } from 'zod';

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
