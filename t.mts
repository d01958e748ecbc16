import { PGlite } from '@electric-sql/pglite';
let t = Date.now(); const db = new PGlite(); await db.query('select 1'); console.log('new', Date.now()-t);
t = Date.now(); const c = await (db as any).clone(); await c.query('select 1'); console.log('clone', Date.now()-t);
t = Date.now(); const d2 = new PGlite(); await d2.query('select 1'); console.log('new2', Date.now()-t);
