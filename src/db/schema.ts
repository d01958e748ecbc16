// Every module's tables, in one namespace for Drizzle and drizzle-kit.
export * from '../modules/places/schema';
export * from '../modules/access/schema';
export * from '../modules/flows/schema';
export * from '../modules/flows/alerts-schema';
export * from '../modules/mobility/schema';
export * from '../server/jobs-schema';
export * from '../modules/imports/schema';
export * from '../modules/people/schema';
export * from '../modules/flows/dashboard-schema';
export * from '../modules/people/import-schema';
export * from '../modules/linkage/schema';
export * from '../modules/dedup/schema';
export * from '../modules/people/lookup-schema';
