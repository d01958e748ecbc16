import { count, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { organisations } from '../places/schema';
import { grants, users } from '../access/schema';
import { hashPassword } from '../access/credentials';
import { audit } from '../../server/audit';
import { DEMO_ORGANISATIONS, PERSONAS } from './personas';
import { ensureBuiltInRoles } from '../access/roles';
import { seedPeopleDemo } from '../people/demo';
import { seedDedupDemo } from '../dedup/run';

export async function hasUsers(tx: Tx): Promise<boolean> {
  const [{ n }] = await tx.select({ n: count() }).from(users);
  return Number(n) > 0;
}

/**
 * Creates the demo organisations and one demo user per persona (idempotent: existing usernames
 * are left alone). Demo users carry is_demo and can log in only in demo mode.
 */
export async function seedDemo(tx: Tx, password: string): Promise<{ created: string[] }> {
  await ensureBuiltInRoles(tx);
  await tx.insert(organisations).values(DEMO_ORGANISATIONS).onConflictDoNothing();
  const orgs = new Map((await tx.select().from(organisations)).map((o) => [o.acronym, o.id]));
  const passwordHash = await hashPassword(password);
  const created: string[] = [];
  for (const p of PERSONAS) {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.username, p.username)).limit(1);
    if (existing) continue;
    const [u] = await tx
      .insert(users)
      .values({ username: p.username, displayName: p.displayName, passwordHash, organisationId: orgs.get(p.organisation) ?? null, language: p.language, isDemo: true })
      .returning({ id: users.id });
    for (const g of p.grants)
      await tx.insert(grants).values({ userId: u.id, roleId: g.roleId, operationId: g.operationId, areaPcode: g.areaPcode ?? null, organisationId: g.organisation ? orgs.get(g.organisation)! : null });
    await audit(tx, { userId: null, requestId: null }, { action: 'user.create', entityType: 'user', entityId: u.id, after: { username: p.username, isDemo: true } });
    created.push(p.username);
  }
  return { created };
}

/**
 * Module demo data loaded after the personas by `serve --demo` and `hamrah demo` (test databases
 * do not load it unless a test asks): the people registry (~2,000 households, ~9,000 people with
 * planted duplicates). Each module's seeding skips itself when its data is already there.
 */
export async function seedDemoData(tx: Tx): Promise<{ people: Awaited<ReturnType<typeof seedPeopleDemo>>; dedup: Awaited<ReturnType<typeof seedDedupDemo>> }> {
  const people = await seedPeopleDemo(tx);
  // A first deduplication run over the demo registry, so the review queue holds the planted duplicates.
  return { people, dedup: await seedDedupDemo(tx) };
}
