-- Dashboard rollups maintained by differences instead of recomputation (replaces the triggers of
-- 0008). Each statement on flow_counts or flow_surveys passes its changed rows (transition tables,
-- old rows subtracted, new rows added) to one of two functions:
--  * flow_dash_counts_apply adds the rows' contributions to their week and month (all versions and
--    published-only), removes buckets left without rows, and hands the site-weeks whose counted flow
--    changed to the survey side (their weighted estimates depend on it);
--  * flow_dash_surveys_apply adds the surveys' answers to their site-week rows (level 0), recomputes
--    the weighted estimate of every answer of the touched site-weeks from the new counts and
--    surveyed people, and adds the difference (new minus old) of each level-0 row to its 4-week and
--    52-week blocks, per site and for all sites ('*'); rows left with no survey are removed.
-- Work is proportional to what a statement touches (its site-weeks' rows and their blocks), not to
-- the blocks' whole content. flow_dash_rebuild() (0008) still recomputes everything from the
-- sources and is what the incremental result must equal (up to floating-point rounding of est).

CREATE OR REPLACE FUNCTION flow_dash_surveys_apply(p_new flow_surveys[], p_old flow_surveys[], p_op text[], p_site uuid[], p_week date[], p_dir text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE z_op text[]; z_dim text[]; z_lvl smallint[]; z_site text[]; z_dir text[]; z_bucket date[]; z_key text[];
BEGIN
  IF coalesce(array_length(p_new, 1), 0) + coalesce(array_length(p_old, 1), 0) + coalesce(array_length(p_site, 1), 0) = 0 THEN RETURN; END IF;
  -- One writer of the rollups at a time: level-0 rows are recomputed from what the statement reads.
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
  old AS (
    SELECT sw.op, sw.site, sw.week, sw.dir, d.dim, d.key, d.surveys, d.people, d.est, d.surveys_pub, d.people_pub, d.est_pub
      FROM sw JOIN flow_dash_surveys d
        ON d.operation_id = sw.op AND d.lvl = 0 AND d.site_key = sw.site::text AND d.direction = sw.dir AND d.bucket = sw.week
  ),
  -- Old rows, differences and counted flow in one grouping (no join whose size the planner
  -- could misjudge): one row per site-week and answer, plus one '#' row per site-week for the counts.
  nw AS (
    SELECT op, site, week, dir, dim, key,
           sum(o_n)::integer AS o_n, sum(o_p)::bigint AS o_p, sum(o_e) AS o_e, sum(o_sp)::integer AS o_sp, sum(o_pp)::bigint AS o_pp, sum(o_ep) AS o_ep,
           (sum(o_n) + sum(dn))::integer AS n, (sum(o_p) + sum(dp))::bigint AS p, bool_or(had) AS had, max(c_all) AS c_all, max(c_pub) AS c_pub
      FROM (
        SELECT op, site, week, dir, dim, key, surveys AS o_n, people AS o_p, est AS o_e, surveys_pub AS o_sp, people_pub AS o_pp, est_pub AS o_ep,
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
  -- The same expressions as flow_dash_refresh, so level 0 equals a rebuild exactly.
  nv AS (
    SELECT op, site, week, dir, dim, key, o_n, o_p, o_e, o_sp, o_pp, o_ep, n, p, had,
           CASE WHEN n > 0 THEN p * w_all / people ELSE 0 END AS e,
           CASE WHEN n > 0 AND w_pub > 0 THEN n ELSE 0 END AS sp,
           CASE WHEN n > 0 AND w_pub > 0 THEN p ELSE 0 END AS pp,
           CASE WHEN n > 0 THEN p * w_pub / people ELSE 0 END AS ep
      FROM pw WHERE dim <> '#'
  ),
  w0 AS (
    INSERT INTO flow_dash_surveys AS t (operation_id, dim, lvl, site_key, direction, bucket, key, surveys, people, est, surveys_pub, people_pub, est_pub)
    SELECT op, dim, 0, site::text, dir, week, key, n, p, e, sp, pp, ep FROM nv
     WHERE n > 0 AND (NOT had OR n <> o_n OR p <> o_p OR e <> o_e OR sp <> o_sp OR pp <> o_pp OR ep <> o_ep)
    ON CONFLICT (operation_id, dim, lvl, site_key, direction, bucket, key) DO UPDATE
      SET surveys = excluded.surveys, people = excluded.people, est = excluded.est,
          surveys_pub = excluded.surveys_pub, people_pub = excluded.people_pub, est_pub = excluded.est_pub
    RETURNING 1
  ),
  d0 AS (
    DELETE FROM flow_dash_surveys t USING nv
     WHERE nv.n = 0 AND nv.had AND t.operation_id = nv.op AND t.lvl = 0 AND t.site_key = nv.site::text AND t.direction = nv.dir
       AND t.bucket = nv.week AND t.dim = nv.dim AND t.key = nv.key
    RETURNING 1
  ),
  -- Level-0 differences summed into the blocks above them.
  up AS (
    SELECT nv.op, nv.dim, b.lvl, b.site_key, nv.dir, b.bucket, nv.key,
           sum(nv.n - nv.o_n)::integer AS ds, sum(nv.p - nv.o_p)::bigint AS dp, sum(nv.e - nv.o_e) AS de,
           sum(nv.sp - nv.o_sp)::integer AS dsp, sum(nv.pp - nv.o_pp)::bigint AS dpp, sum(nv.ep - nv.o_ep) AS dep
      FROM nv
     CROSS JOIN LATERAL (VALUES (1::smallint, nv.site::text, flow_dash_block(nv.week, 28)), (1::smallint, '*', flow_dash_block(nv.week, 28)),
                                (2::smallint, nv.site::text, flow_dash_block(nv.week, 364)), (2::smallint, '*', flow_dash_block(nv.week, 364))) b(lvl, site_key, bucket)
     GROUP BY nv.op, nv.dim, b.lvl, b.site_key, nv.dir, b.bucket, nv.key
    HAVING sum(nv.n - nv.o_n) <> 0 OR sum(nv.p - nv.o_p) <> 0 OR sum(nv.e - nv.o_e) <> 0
        OR sum(nv.sp - nv.o_sp) <> 0 OR sum(nv.pp - nv.o_pp) <> 0 OR sum(nv.ep - nv.o_ep) <> 0
  ),
  w1 AS (
    INSERT INTO flow_dash_surveys AS t (operation_id, dim, lvl, site_key, direction, bucket, key, surveys, people, est, surveys_pub, people_pub, est_pub)
    SELECT op, dim, lvl, site_key, dir, bucket, key, ds, dp, de, dsp, dpp, dep FROM up
    ON CONFLICT (operation_id, dim, lvl, site_key, direction, bucket, key) DO UPDATE
      SET surveys = t.surveys + excluded.surveys, people = t.people + excluded.people, est = t.est + excluded.est,
          surveys_pub = t.surveys_pub + excluded.surveys_pub, people_pub = t.people_pub + excluded.people_pub, est_pub = t.est_pub + excluded.est_pub
    RETURNING t.operation_id, t.dim, t.lvl, t.site_key, t.direction, t.bucket, t.key, t.surveys
  )
  SELECT array_agg(operation_id), array_agg(dim), array_agg(lvl), array_agg(site_key), array_agg(direction), array_agg(bucket), array_agg(key)
    INTO z_op, z_dim, z_lvl, z_site, z_dir, z_bucket, z_key
    FROM w1 WHERE surveys = 0;
  -- Blocks left without any survey go, as a rebuild would not have them.
  IF z_op IS NOT NULL THEN
    DELETE FROM flow_dash_surveys t
     USING unnest(z_op, z_dim, z_lvl, z_site, z_dir, z_bucket, z_key) AS z(op, dim, lvl, site_key, dir, bucket, key)
     WHERE t.operation_id = z.op AND t.dim = z.dim AND t.lvl = z.lvl AND t.site_key = z.site_key AND t.direction = z.dir
       AND t.bucket = z.bucket AND t.key = z.key AND t.surveys = 0;
  END IF;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_counts_apply(p_new flow_counts[], p_old flow_counts[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE z_op text[]; z_grain text[]; z_pub boolean[]; z_bucket date[]; z_site uuid[]; z_dir text[];
        k_op text[]; k_site uuid[]; k_week date[]; k_dir text[];
BEGIN
  IF coalesce(array_length(p_new, 1), 0) + coalesce(array_length(p_old, 1), 0) = 0 THEN RETURN; END IF;
  PERFORM pg_advisory_xact_lock(740119001);
  -- Only current versions count; a correction or status change arrives as old row out, new row in.
  WITH ch AS (
    SELECT c.operation_id AS op, c.site_id AS site, c.direction AS dir, c.date, c.status = 'published' AS pub, 1 AS sign,
           c.total::bigint AS total, c.men::bigint AS men, c.women::bigint AS women, c.boys::bigint AS boys, c.girls::bigint AS girls,
           coalesce(c.deported, 0)::bigint AS deported, coalesce(c.spontaneous, 0)::bigint AS spontaneous, coalesce(c.other_reason, 0)::bigint AS other_reason
      FROM unnest(p_new) c WHERE c.current
    UNION ALL
    SELECT c.operation_id, c.site_id, c.direction, c.date, c.status = 'published', -1,
           c.total, c.men, c.women, c.boys, c.girls, coalesce(c.deported, 0), coalesce(c.spontaneous, 0), coalesce(c.other_reason, 0)
      FROM unnest(p_old) c WHERE c.current
  ),
  g AS (
    SELECT ch.op, x.grain, p.pub, x.bucket, ch.site, ch.dir,
           sum(ch.sign)::integer AS days, sum(ch.sign * ch.total) AS total, sum(ch.sign * ch.men) AS men, sum(ch.sign * ch.women) AS women,
           sum(ch.sign * ch.boys) AS boys, sum(ch.sign * ch.girls) AS girls, sum(ch.sign * ch.deported) AS deported,
           sum(ch.sign * ch.spontaneous) AS spontaneous, sum(ch.sign * ch.other_reason) AS other_reason
      FROM ch
     CROSS JOIN LATERAL (VALUES ('w', date_trunc('week', ch.date)::date), ('m', date_trunc('month', ch.date)::date)) x(grain, bucket)
     CROSS JOIN (VALUES (false), (true)) p(pub)
     WHERE NOT p.pub OR ch.pub
     GROUP BY ch.op, x.grain, p.pub, x.bucket, ch.site, ch.dir
  ),
  up AS (
    INSERT INTO flow_dash_counts AS t (operation_id, grain, pub, bucket, site_id, direction, days, total, men, women, boys, girls, deported, spontaneous, other_reason)
    SELECT * FROM g
     WHERE days <> 0 OR total <> 0 OR men <> 0 OR women <> 0 OR boys <> 0 OR girls <> 0 OR deported <> 0 OR spontaneous <> 0 OR other_reason <> 0
    ON CONFLICT (operation_id, grain, pub, bucket, site_id, direction) DO UPDATE
      SET days = t.days + excluded.days, total = t.total + excluded.total, men = t.men + excluded.men, women = t.women + excluded.women,
          boys = t.boys + excluded.boys, girls = t.girls + excluded.girls, deported = t.deported + excluded.deported,
          spontaneous = t.spontaneous + excluded.spontaneous, other_reason = t.other_reason + excluded.other_reason
    RETURNING t.operation_id, t.grain, t.pub, t.bucket, t.site_id, t.direction, t.days
  ),
  z AS (
    SELECT array_agg(operation_id) AS op, array_agg(grain) AS grain, array_agg(pub) AS pub, array_agg(bucket) AS bucket, array_agg(site_id) AS site, array_agg(direction) AS dir
      FROM up WHERE days = 0
  ),
  -- Survey estimates are weighted to the counted flow of their site-week (all, and published).
  k AS (
    SELECT array_agg(op) AS op, array_agg(site) AS site, array_agg(week) AS week, array_agg(dir) AS dir
      FROM (SELECT op, site, date_trunc('week', date)::date AS week, dir
              FROM ch
             GROUP BY op, site, date_trunc('week', date)::date, dir
            HAVING sum(sign * total) <> 0 OR coalesce(sum(sign * total) FILTER (WHERE pub), 0) <> 0) w
  )
  SELECT z.op, z.grain, z.pub, z.bucket, z.site, z.dir, k.op, k.site, k.week, k.dir
    INTO z_op, z_grain, z_pub, z_bucket, z_site, z_dir, k_op, k_site, k_week, k_dir
    FROM z, k;
  IF z_op IS NOT NULL THEN
    DELETE FROM flow_dash_counts t
     USING unnest(z_op, z_grain, z_pub, z_bucket, z_site, z_dir) AS z(op, grain, pub, bucket, site, dir)
     WHERE t.operation_id = z.op AND t.grain = z.grain AND t.pub = z.pub AND t.bucket = z.bucket AND t.site_id = z.site AND t.direction = z.dir AND t.days = 0;
  END IF;

  IF k_op IS NOT NULL THEN PERFORM flow_dash_surveys_apply(NULL, NULL, k_op, k_site, k_week, k_dir); END IF;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_counts_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_counts_apply((SELECT array_agg(n::flow_counts) FROM nt n), NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_counts_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_counts_apply((SELECT array_agg(n::flow_counts) FROM nt n), (SELECT array_agg(o::flow_counts) FROM ot o));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_counts_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_counts_apply(NULL, (SELECT array_agg(o::flow_counts) FROM ot o));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_surveys_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_surveys_apply((SELECT array_agg(n::flow_surveys) FROM nt n), NULL, NULL, NULL, NULL, NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_surveys_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_surveys_apply((SELECT array_agg(n::flow_surveys) FROM nt n), (SELECT array_agg(o::flow_surveys) FROM ot o), NULL, NULL, NULL, NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_surveys_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM flow_dash_surveys_apply(NULL, (SELECT array_agg(o::flow_surveys) FROM ot o), NULL, NULL, NULL, NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_counts_dash_insert ON flow_counts;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_counts_dash_update ON flow_counts;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_counts_dash_delete ON flow_counts;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_surveys_dash_insert ON flow_surveys;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_surveys_dash_update ON flow_surveys;
--> statement-breakpoint
DROP TRIGGER IF EXISTS flow_surveys_dash_delete ON flow_surveys;
--> statement-breakpoint
DROP FUNCTION IF EXISTS flow_dash_on_insert();
--> statement-breakpoint
DROP FUNCTION IF EXISTS flow_dash_on_update();
--> statement-breakpoint
DROP FUNCTION IF EXISTS flow_dash_on_delete();
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_insert AFTER INSERT ON flow_counts REFERENCING NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_counts_on_insert();
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_update AFTER UPDATE ON flow_counts REFERENCING OLD TABLE AS ot NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_counts_on_update();
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_delete AFTER DELETE ON flow_counts REFERENCING OLD TABLE AS ot FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_counts_on_delete();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_insert AFTER INSERT ON flow_surveys REFERENCING NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_surveys_on_insert();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_update AFTER UPDATE ON flow_surveys REFERENCING OLD TABLE AS ot NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_surveys_on_update();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_delete AFTER DELETE ON flow_surveys REFERENCING OLD TABLE AS ot FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_surveys_on_delete();
