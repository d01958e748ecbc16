import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { AppError } from '../../server/errors';
import { users } from './schema';
import { dummyVerify, verifyPassword } from './credentials';
import { loadGrants } from './sessions';

/** Checks a username and password. Null when wrong; DEMO_MODE_ONLY for demo users outside demo mode. */
export async function login(tx: Tx, username: string, password: string, demoMode: boolean): Promise<AuthContext | null> {
  const [user] = await tx.select().from(users).where(eq(sql`lower(${users.username})`, username.toLowerCase())).limit(1);
  if (!user || user.disabled) {
    await dummyVerify(password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  if (user.isDemo && !demoMode) throw new AppError('DEMO_MODE_ONLY');
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      organisationId: user.organisationId,
      language: user.language,
      isDemo: user.isDemo,
    },
    grants: await loadGrants(tx, user.id),
    via: 'session',
  };
}
