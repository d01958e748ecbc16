-- Survey rollups as arrays (flow_dash_answers, 0018): one row per site or '*' × level × bucket ×
-- direction × dimension, its answers in parallel arrays sorted by key. The triggers of 0015 keep
-- calling flow_dash_surveys_apply (same signature), now written against the new table:
--  * the touched site-weeks' level-0 rows are read and unnested, the statement's differences and
--    the site-weeks' counted flow added, every estimate recomputed (they all depend on the
--    site-week's surveyed people), and each site-week × dimension written back as one row;
--  * the differences per answer are added to the 4- and 52-week blocks (per site and '*'), whose
--    rows are likewise read, merged and written back whole; answers left with no survey go.
-- flow_dash_rebuild() recomputes both rollups from the source tables in two statements.

CREATE OR REPLACE FUNCTION flow_dash_surveys_apply(p_new flow_surveys[], p_old flow_surveys[], p_op text[], p_site uuid[], p_week date[], p_dir text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE written bigint;
BEGIN
  IF coalesce(array_length(p_new, 1), 0) + coalesce(array_length(p_old, 1), 0) + coalesce(array_length(p_site, 1), 0) = 0 THEN RETURN; END IF;
  -- One writer of the rollups at a time: rows are rewritten from what the statement reads.
  PERFORM pg_advisory_xact_lock(740119001);
  WITH ch AS (
    SELECT s.operation_id AS op, s.site_id AS site, date_trunc('week', s.date)::date AS week, s.direction AS dir, 1 AS sign,
           s.group_size, s.documents, s.reasons, s.intended_stay, s.destination_adm1, s.destination_adm2, s.origin_country
      FROM unnest(p_new) s
    UNION ALL
    SELECT s.operation_id, s.site_id, date_trunc('week', s.date)::date, s.direction, -1,
           s.group_size, s.documents, s.reasons, s.intended_stay, s.destination_adm1, s.destination_adm2, s.origin_country
      FROM unnest(p_old) s
  ),
  items AS (
              SELECT op, site, week, dir, 'all'::text AS dim, ''::text AS key, sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'doc', unnest(documents), sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'reason', unnest(reasons), sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'stay', intended_stay, sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'adm1', coalesce(destination_adm1, ''), sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'adm2', coalesce(destination_adm2, ''), sign, group_size FROM ch
    UNION ALL SELECT op, site, week, dir, 'origin', origin_country, sign, group_size FROM ch
  ),
  dl AS (
    SELECT op, site, week, dir, dim, key, sum(sign)::integer AS dn, sum(sign * group_size)::bigint AS dp
      FROM items GROUP BY op, site, week, dir, dim, key
  ),
  -- Site-weeks whose level-0 rows change: those with changed surveys, and those whose counts changed.
  sw AS (
    SELECT DISTINCT op, site, week, dir FROM dl
    UNION
    SELECT k.op, k.site, k.week, k.dir FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir)
  ),
  -- Counted flow per week at the sites and over the dates of those site-weeks.
  cnt AS (
    SELECT c.operation_id AS op, c.site_id AS site, c.direction AS dir, date_trunc('week', c.date)::date AS week,
           sum(c.total)::float8 AS c_all, coalesce(sum(c.total) FILTER (WHERE c.status = 'published'), 0)::float8 AS c_pub
      FROM flow_counts c
     WHERE c.current
       AND c.site_id = ANY (ARRAY(SELECT DISTINCT site FROM sw))
       AND c.date >= (SELECT min(week) FROM sw) AND c.date < (SELECT max(week) FROM sw) + 7
     GROUP BY c.operation_id, c.site_id, c.direction, date_trunc('week', c.date)::date
  ),
  -- The level-0 answers of those site-weeks as they are.
  old AS (
    SELECT sw.op, sw.site, sw.week, sw.dir, a.dim, u.key, u.n, u.p, u.e, u.sp, u.pp, u.ep
      FROM sw JOIN flow_dash_answers a
        ON a.operation_id = sw.op AND a.lvl = 0 AND a.site_key = sw.site::text AND a.direction = sw.dir AND a.bucket = sw.week
     CROSS JOIN LATERAL unnest(a.keys, a.surveys, a.people, a.est, a.surveys_pub, a.people_pub, a.est_pub) AS u(key, n, p, e, sp, pp, ep)
  ),
  -- Old answers, differences and counted flow in one grouping: one row per site-week and answer,
  -- plus one '#' row per site-week for the counts.
  nw AS (
    SELECT op, site, week, dir, dim, key,
           sum(o_n)::integer AS o_n, sum(o_p)::bigint AS o_p, sum(o_e) AS o_e, sum(o_sp)::integer AS o_sp, sum(o_pp)::bigint AS o_pp, sum(o_ep) AS o_ep,
           (sum(o_n) + sum(dn))::integer AS n, (sum(o_p) + sum(dp))::bigint AS p, bool_or(had) AS had, max(c_all) AS c_all, max(c_pub) AS c_pub
      FROM (
        SELECT op, site, week, dir, dim, key, n AS o_n, p AS o_p, e AS o_e, sp AS o_sp, pp AS o_pp, ep AS o_ep,
               0 AS dn, 0 AS dp, true AS had, NULL::float8 AS c_all, NULL::float8 AS c_pub FROM old
        UNION ALL
        SELECT op, site, week, dir, dim, key, 0, 0, 0, 0, 0, 0, dn, dp, false, NULL, NULL FROM dl
        UNION ALL
        SELECT op, site, week, dir, '#', '', 0, 0, 0, 0, 0, 0, 0, 0, false, c_all, c_pub FROM cnt
      ) x
     GROUP BY op, site, week, dir, dim, key
  ),
  pw AS (
    SELECT nw.*,
           coalesce(max(c_all) OVER w, 0) AS w_all, coalesce(max(c_pub) OVER w, 0) AS w_pub,
           (max(p) FILTER (WHERE dim = 'all') OVER w)::float8 AS people
      FROM nw WINDOW w AS (PARTITION BY op, site, week, dir)
  ),
  -- The same expressions as flow_dash_rebuild, so level 0 equals a rebuild exactly.
  nv AS (
    SELECT op, site, week, dir, dim, key, o_n, o_p, o_e, o_sp, o_pp, o_ep, n, p, had,
           CASE WHEN n > 0 THEN p * w_all / people ELSE 0 END AS e,
           CASE WHEN n > 0 AND w_pub > 0 THEN n ELSE 0 END AS sp,
           CASE WHEN n > 0 AND w_pub > 0 THEN p ELSE 0 END AS pp,
           CASE WHEN n > 0 THEN p * w_pub / people ELSE 0 END AS ep
      FROM pw WHERE dim <> '#'
  ),
  -- Each site-week × dimension with any changed answer, as its whole new row (keys NULL: none left).
  r0 AS (
    SELECT op, site, week, dir, dim,
           array_agg(key ORDER BY key) FILTER (WHERE n > 0) AS keys,
           array_agg(n ORDER BY key) FILTER (WHERE n > 0) AS n,
           array_agg(p ORDER BY key) FILTER (WHERE n > 0) AS p,
           array_agg(e ORDER BY key) FILTER (WHERE n > 0) AS e,
           array_agg(sp ORDER BY key) FILTER (WHERE n > 0) AS sp,
           array_agg(pp ORDER BY key) FILTER (WHERE n > 0) AS pp,
           array_agg(ep ORDER BY key) FILTER (WHERE n > 0) AS ep
      FROM nv
     GROUP BY op, site, week, dir, dim
    HAVING bool_or(NOT had OR n <> o_n OR p <> o_p OR e <> o_e OR sp <> o_sp OR pp <> o_pp OR ep <> o_ep)
  ),
  w0 AS (
    INSERT INTO flow_dash_answers AS t (operation_id, lvl, site_key, direction, bucket, dim, keys, surveys, people, est, surveys_pub, people_pub, est_pub)
    SELECT op, 0, site::text, dir, week, dim, keys, n, p, e, sp, pp, ep FROM r0 WHERE keys IS NOT NULL
    ON CONFLICT (operation_id, lvl, site_key, direction, bucket, dim) DO UPDATE
      SET keys = excluded.keys, surveys = excluded.surveys, people = excluded.people, est = excluded.est,
          surveys_pub = excluded.surveys_pub, people_pub = excluded.people_pub, est_pub = excluded.est_pub
    RETURNING 1
  ),
  d0 AS (
    DELETE FROM flow_dash_answers t USING r0
     WHERE r0.keys IS NULL AND t.operation_id = r0.op AND t.lvl = 0 AND t.site_key = r0.site::text AND t.direction = r0.dir
       AND t.bucket = r0.week AND t.dim = r0.dim
    RETURNING 1
  ),
  -- Level-0 differences per answer, summed into the blocks above them.
  up AS (
    SELECT nv.op, b.lvl, b.site_key, nv.dir, b.bucket, nv.dim, nv.key,
           sum(nv.n - nv.o_n)::integer AS ds, sum(nv.p - nv.o_p)::bigint AS dp, sum(nv.e - nv.o_e) AS de,
           sum(nv.sp - nv.o_sp)::integer AS dsp, sum(nv.pp - nv.o_pp)::bigint AS dpp, sum(nv.ep - nv.o_ep) AS dep
      FROM nv
     CROSS JOIN LATERAL (VALUES (1::smallint, nv.site::text, flow_dash_block(nv.week, 28)), (1::smallint, '*', flow_dash_block(nv.week, 28)),
                                (2::smallint, nv.site::text, flow_dash_block(nv.week, 364)), (2::smallint, '*', flow_dash_block(nv.week, 364))) b(lvl, site_key, bucket)
     GROUP BY nv.op, b.lvl, b.site_key, nv.dir, b.bucket, nv.dim, nv.key
    HAVING sum(nv.n - nv.o_n) <> 0 OR sum(nv.p - nv.o_p) <> 0 OR sum(nv.e - nv.o_e) <> 0
        OR sum(nv.sp - nv.o_sp) <> 0 OR sum(nv.pp - nv.o_pp) <> 0 OR sum(nv.ep - nv.o_ep) <> 0
  ),
  ub AS (SELECT DISTINCT op, lvl, site_key, dir, bucket, dim FROM up),
  -- Block rows as they are, their answers merged with the differences.
  mb AS (
    SELECT op, lvl, site_key, dir, bucket, dim, key,
           sum(n)::integer AS n, sum(p)::bigint AS p, sum(e) AS e, sum(sp)::integer AS sp, sum(pp)::bigint AS pp, sum(ep) AS ep
      FROM (
        SELECT ub.op, ub.lvl, ub.site_key, ub.dir, ub.bucket, ub.dim, u.key, u.n, u.p, u.e, u.sp, u.pp, u.ep
          FROM ub JOIN flow_dash_answers a
            ON a.operation_id = ub.op AND a.lvl = ub.lvl AND a.site_key = ub.site_key AND a.direction = ub.dir AND a.bucket = ub.bucket AND a.dim = ub.dim
         CROSS JOIN LATERAL unnest(a.keys, a.surveys, a.people, a.est, a.surveys_pub, a.people_pub, a.est_pub) AS u(key, n, p, e, sp, pp, ep)
        UNION ALL
        SELECT op, lvl, site_key, dir, bucket, dim, key, ds, dp, de, dsp, dpp, dep FROM up
      ) x
     GROUP BY op, lvl, site_key, dir, bucket, dim, key
  ),
  rb AS (
    SELECT op, lvl, site_key, dir, bucket, dim,
           array_agg(key ORDER BY key) FILTER (WHERE n <> 0) AS keys,
           array_agg(n ORDER BY key) FILTER (WHERE n <> 0) AS n,
           array_agg(p ORDER BY key) FILTER (WHERE n <> 0) AS p,
           array_agg(e ORDER BY key) FILTER (WHERE n <> 0) AS e,
           array_agg(sp ORDER BY key) FILTER (WHERE n <> 0) AS sp,
           array_agg(pp ORDER BY key) FILTER (WHERE n <> 0) AS pp,
           array_agg(ep ORDER BY key) FILTER (WHERE n <> 0) AS ep
      FROM mb GROUP BY op, lvl, site_key, dir, bucket, dim
  ),
  wb AS (
    INSERT INTO flow_dash_answers AS t (operation_id, lvl, site_key, direction, bucket, dim, keys, surveys, people, est, surveys_pub, people_pub, est_pub)
    SELECT op, lvl, site_key, dir, bucket, dim, keys, n, p, e, sp, pp, ep FROM rb WHERE keys IS NOT NULL
    ON CONFLICT (operation_id, lvl, site_key, direction, bucket, dim) DO UPDATE
      SET keys = excluded.keys, surveys = excluded.surveys, people = excluded.people, est = excluded.est,
          surveys_pub = excluded.surveys_pub, people_pub = excluded.people_pub, est_pub = excluded.est_pub
    RETURNING 1
  ),
  db AS (
    DELETE FROM flow_dash_answers t USING rb
     WHERE rb.keys IS NULL AND t.operation_id = rb.op AND t.lvl = rb.lvl AND t.site_key = rb.site_key AND t.direction = rb.dir
       AND t.bucket = rb.bucket AND t.dim = rb.dim
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM w0) + (SELECT count(*) FROM d0) + (SELECT count(*) FROM wb) + (SELECT count(*) FROM db) INTO written;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE workmem text;
BEGIN
  PERFORM pg_advisory_xact_lock(740119001);
  workmem := current_setting('work_mem');
  PERFORM set_config('work_mem', '256MB', true);
  DELETE FROM flow_dash_counts;
  DELETE FROM flow_dash_answers;
  -- Counted flow per week and per month, all current versions and published ones only.
  INSERT INTO flow_dash_counts (operation_id, grain, pub, bucket, site_id, direction, days, total, men, women, boys, girls, deported, spontaneous, other_reason)
  SELECT c.operation_id, x.grain, p.pub, x.bucket, c.site_id, c.direction, count(*)::integer, sum(c.total), sum(c.men), sum(c.women), sum(c.boys), sum(c.girls),
         coalesce(sum(c.deported), 0), coalesce(sum(c.spontaneous), 0), coalesce(sum(c.other_reason), 0)
    FROM flow_counts c
   CROSS JOIN LATERAL (VALUES ('w', date_trunc('week', c.date)::date), ('m', date_trunc('month', c.date)::date)) x(grain, bucket)
   CROSS JOIN (VALUES (false), (true)) p(pub)
   WHERE c.current AND (NOT p.pub OR c.status = 'published')
   GROUP BY c.operation_id, x.grain, p.pub, x.bucket, c.site_id, c.direction;
  -- Survey answers per site-week weighted to that site-week's counted flow, then the blocks.
  INSERT INTO flow_dash_answers (operation_id, lvl, site_key, direction, bucket, dim, keys, surveys, people, est, surveys_pub, people_pub, est_pub)
  WITH s AS (
    SELECT operation_id AS op, site_id AS site, date_trunc('week', date)::date AS week, direction AS dir,
           group_size, documents, reasons, intended_stay, destination_adm1, destination_adm2, origin_country
      FROM flow_surveys
  ),
  items AS (
              SELECT op, site, week, dir, 'all'::text AS dim, ''::text AS key, group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'doc', unnest(documents), group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'reason', unnest(reasons), group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'stay', intended_stay, group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'adm1', coalesce(destination_adm1, ''), group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'adm2', coalesce(destination_adm2, ''), group_size FROM s
    UNION ALL SELECT op, site, week, dir, 'origin', origin_country, group_size FROM s
  ),
  agg AS (SELECT op, site, week, dir, dim, key, count(*)::integer AS n, sum(group_size)::bigint AS p FROM items GROUP BY op, site, week, dir, dim, key),
  wk AS (
    SELECT operation_id AS op, site_id AS site, bucket AS week, direction AS dir,
           coalesce(sum(total) FILTER (WHERE NOT pub), 0)::float8 AS w_all, coalesce(sum(total) FILTER (WHERE pub), 0)::float8 AS w_pub
      FROM flow_dash_counts WHERE grain = 'w' GROUP BY operation_id, site_id, bucket, direction
  ),
  pw AS (
    SELECT a.*, coalesce(w.w_all, 0) AS w_all, coalesce(w.w_pub, 0) AS w_pub,
           (max(a.p) FILTER (WHERE a.dim = 'all') OVER (PARTITION BY a.op, a.site, a.week, a.dir))::float8 AS people
      FROM agg a LEFT JOIN wk w ON w.op = a.op AND w.site = a.site AND w.week = a.week AND w.dir = a.dir
  ),
  l0 AS (
    SELECT op, site::text AS site_key, week, dir, dim, key, n, p,
           p * w_all / people AS e,
           CASE WHEN w_pub > 0 THEN n ELSE 0 END AS sp,
           CASE WHEN w_pub > 0 THEN p ELSE 0 END AS pp,
           p * w_pub / people AS ep
      FROM pw
  ),
  el AS (
    SELECT op, 0::smallint AS lvl, site_key, dir, week AS bucket, dim, key, n, p, e, sp, pp, ep FROM l0
    UNION ALL
    SELECT l0.op, b.lvl, b.site_key, l0.dir, b.bucket, l0.dim, l0.key,
           sum(l0.n)::integer, sum(l0.p)::bigint, sum(l0.e), sum(l0.sp)::integer, sum(l0.pp)::bigint, sum(l0.ep)
      FROM l0
     CROSS JOIN LATERAL (VALUES (1::smallint, l0.site_key, flow_dash_block(l0.week, 28)), (1::smallint, '*', flow_dash_block(l0.week, 28)),
                                (2::smallint, l0.site_key, flow_dash_block(l0.week, 364)), (2::smallint, '*', flow_dash_block(l0.week, 364))) b(lvl, site_key, bucket)
     GROUP BY l0.op, b.lvl, b.site_key, l0.dir, b.bucket, l0.dim, l0.key
  )
  SELECT op, lvl, site_key, dir, bucket, dim,
         array_agg(key ORDER BY key), array_agg(n ORDER BY key), array_agg(p ORDER BY key), array_agg(e ORDER BY key),
         array_agg(sp ORDER BY key), array_agg(pp ORDER BY key), array_agg(ep ORDER BY key)
    FROM el
   GROUP BY op, lvl, site_key, dir, bucket, dim
   ORDER BY op, lvl, site_key, dir, bucket, dim;
  PERFORM set_config('work_mem', workmem, true);
END;
$$;
--> statement-breakpoint
DROP FUNCTION IF EXISTS flow_dash_refresh(text[], uuid[], date[], text[]);
--> statement-breakpoint
-- One row per answer, as the rollup was before 0021 (tests and looking into the data).
CREATE OR REPLACE VIEW flow_dash_survey_rows AS
SELECT a.operation_id, a.dim, a.lvl, a.site_key, a.direction, a.bucket, u.key, u.surveys, u.people, u.est, u.surveys_pub, u.people_pub, u.est_pub
  FROM flow_dash_answers a
 CROSS JOIN LATERAL unnest(a.keys, a.surveys, a.people, a.est, a.surveys_pub, a.people_pub, a.est_pub) AS u(key, surveys, people, est, surveys_pub, people_pub, est_pub);
--> statement-breakpoint
-- Fill the new rollup from the sources (existing databases).
SELECT flow_dash_rebuild();
--> statement-breakpoint
-- A survey import keeps the rollups itself for its own insert statements (addSurveysToRollups in
-- src/modules/flows/dashboard-upkeep.ts, same lock, same arithmetic) and says so with this
-- transaction-local setting, switched off again right after the statement.
CREATE OR REPLACE FUNCTION flow_dash_surveys_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('hamrah.dash_surveys_by_caller', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM flow_dash_surveys_apply((SELECT array_agg(n::flow_surveys) FROM nt n), NULL, NULL, NULL, NULL, NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TABLE flow_dash_surveys;
