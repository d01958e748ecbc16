-- Dashboard rollups (flow_dash_counts, flow_dash_surveys) follow flow_counts and flow_surveys in
-- the same transaction as every write, whoever writes (API, imports, demo seed): statement-level
-- triggers collect the touched (site, ISO week, direction) keys from the transition tables and
-- recompute those weeks, the months they touch and the 4- and 52-week blocks above them.

-- Start of the block of `len` days (28 or 364) holding the Monday `w`; blocks start at 2000-01-03.
CREATE OR REPLACE FUNCTION flow_dash_block(w date, len integer) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT date '2000-01-03' + (floor((w - date '2000-01-03')::numeric / len) * len)::integer
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_refresh(p_op text[], p_site uuid[], p_week date[], p_dir text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE bulk boolean; nestloop text; sorting text; workmem text;
BEGIN
  IF coalesce(array_length(p_site, 1), 0) = 0 THEN RETURN; END IF;
  -- One refresh at a time: two writers recomputing the same block would otherwise race.
  PERFORM pg_advisory_xact_lock(740119001);
  -- A few keys (an API write) read the sources through their indexes; many keys (a bulk load, a
  -- rebuild) read them once with hash joins: without statistics the planner would loop instead.
  bulk := array_length(p_site, 1) > 64;
  IF bulk THEN
    nestloop := current_setting('enable_nestloop');
    sorting := current_setting('enable_sort');
    workmem := current_setting('work_mem');
    PERFORM set_config('enable_nestloop', 'off', true);
    PERFORM set_config('enable_sort', 'off', true);
    PERFORM set_config('work_mem', '256MB', true);
  END IF;

  -- Counted flow per week and per month, all current versions and published ones only.
  DELETE FROM flow_dash_counts d
   USING (SELECT DISTINCT * FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir)) k
   WHERE d.grain = 'w' AND d.operation_id = k.op AND d.site_id = k.site AND d.direction = k.dir AND d.bucket = k.week;
  INSERT INTO flow_dash_counts
  SELECT k.op, 'w', p.pub, k.week, k.site, k.dir, count(*)::integer, sum(c.total), sum(c.men), sum(c.women), sum(c.boys), sum(c.girls),
         coalesce(sum(c.deported), 0), coalesce(sum(c.spontaneous), 0), coalesce(sum(c.other_reason), 0)
    FROM (SELECT DISTINCT * FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir)) k
    JOIN flow_counts c ON c.site_id = k.site AND c.direction = k.dir AND c.current AND date_trunc('week', c.date)::date = k.week AND c.date >= k.week AND c.date < k.week + 7
    CROSS JOIN (VALUES (false), (true)) p(pub)
   WHERE NOT p.pub OR c.status = 'published'
   GROUP BY k.op, p.pub, k.week, k.site, k.dir;

  DELETE FROM flow_dash_counts d
   USING (SELECT DISTINCT k.op, k.site, date_trunc('month', x.d)::date AS month, k.dir
            FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir), LATERAL (VALUES (k.week), (k.week + 6)) x(d)) m
   WHERE d.grain = 'm' AND d.operation_id = m.op AND d.site_id = m.site AND d.direction = m.dir AND d.bucket = m.month;
  INSERT INTO flow_dash_counts
  SELECT m.op, 'm', p.pub, m.month, m.site, m.dir, count(*)::integer, sum(c.total), sum(c.men), sum(c.women), sum(c.boys), sum(c.girls),
         coalesce(sum(c.deported), 0), coalesce(sum(c.spontaneous), 0), coalesce(sum(c.other_reason), 0)
    FROM (SELECT DISTINCT k.op, k.site, date_trunc('month', x.d)::date AS month, k.dir
            FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir), LATERAL (VALUES (k.week), (k.week + 6)) x(d)) m
    JOIN flow_counts c ON c.site_id = m.site AND c.direction = m.dir AND c.current AND date_trunc('month', c.date)::date = m.month AND c.date >= m.month AND c.date < (m.month + interval '1 month')::date
    CROSS JOIN (VALUES (false), (true)) p(pub)
   WHERE NOT p.pub OR c.status = 'published'
   GROUP BY m.op, p.pub, m.month, m.site, m.dir;

  -- Survey answers per site-week, weighted to that site-week's counted flow.
  DELETE FROM flow_dash_surveys d
   USING (SELECT DISTINCT * FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir)) k
   WHERE d.lvl = 0 AND d.operation_id = k.op AND d.site_key = k.site::text AND d.direction = k.dir AND d.bucket = k.week;
  INSERT INTO flow_dash_surveys
  WITH k AS (SELECT DISTINCT * FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir)),
  s AS (
    SELECT k.op, k.site, k.week, k.dir, f.group_size, f.documents, f.reasons, f.intended_stay, f.destination_adm1, f.destination_adm2, f.origin_country
      FROM k JOIN flow_surveys f ON f.site_id = k.site AND f.direction = k.dir AND date_trunc('week', f.date)::date = k.week AND f.date >= k.week AND f.date < k.week + 7
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
  agg AS (SELECT op, site, week, dir, dim, key, count(*)::integer AS n, sum(group_size) AS p FROM items GROUP BY op, site, week, dir, dim, key),
  counted AS (
    SELECT a.op, a.site, a.week, a.dir, a.p::float8 AS people,
           coalesce(sum(c.total), 0)::float8 AS c_all,
           coalesce(sum(c.total) FILTER (WHERE c.status = 'published'), 0)::float8 AS c_pub
      FROM agg a LEFT JOIN flow_counts c ON c.site_id = a.site AND c.direction = a.dir AND c.current AND date_trunc('week', c.date)::date = a.week AND c.date >= a.week AND c.date < a.week + 7
     WHERE a.dim = 'all'
     GROUP BY a.op, a.site, a.week, a.dir, a.p
  )
  SELECT a.op, a.dim, 0, a.site::text, a.dir, a.week, a.key,
         a.n, a.p, a.p * c.c_all / c.people,
         CASE WHEN c.c_pub > 0 THEN a.n ELSE 0 END,
         CASE WHEN c.c_pub > 0 THEN a.p ELSE 0 END,
         a.p * c.c_pub / c.people
    FROM agg a JOIN counted c ON c.op = a.op AND c.site = a.site AND c.week = a.week AND c.dir = a.dir;

  -- 4-week blocks: per site from the weeks, and all sites together ('*').
  DELETE FROM flow_dash_surveys d
   USING (SELECT DISTINCT k.op, s.key AS site_key, flow_dash_block(k.week, 28) AS block, k.dir
            FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir), LATERAL (VALUES (k.site::text), ('*')) s(key)) b
   WHERE d.lvl = 1 AND d.operation_id = b.op AND d.site_key = b.site_key AND d.direction = b.dir AND d.bucket = b.block;
  INSERT INTO flow_dash_surveys
  WITH b AS (SELECT DISTINCT k.op, k.site::text AS site_key, flow_dash_block(k.week, 28) AS block, k.dir FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir))
  SELECT b.op, d.dim, 1, b.site_key, b.dir, b.block, d.key, sum(d.surveys), sum(d.people), sum(d.est), sum(d.surveys_pub), sum(d.people_pub), sum(d.est_pub)
    FROM b JOIN flow_dash_surveys d ON d.operation_id = b.op AND d.lvl = 0 AND d.site_key = b.site_key AND d.direction = b.dir AND flow_dash_block(d.bucket, 28) = b.block AND d.bucket >= b.block AND d.bucket < b.block + 28
   GROUP BY b.op, d.dim, b.site_key, b.dir, b.block, d.key;
  INSERT INTO flow_dash_surveys
  WITH b AS (SELECT DISTINCT k.op, flow_dash_block(k.week, 28) AS block, k.dir FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir))
  SELECT b.op, d.dim, 1, '*', b.dir, b.block, d.key, sum(d.surveys), sum(d.people), sum(d.est), sum(d.surveys_pub), sum(d.people_pub), sum(d.est_pub)
    FROM b JOIN flow_dash_surveys d ON d.operation_id = b.op AND d.lvl = 0 AND d.direction = b.dir AND flow_dash_block(d.bucket, 28) = b.block AND d.bucket >= b.block AND d.bucket < b.block + 28
   GROUP BY b.op, d.dim, b.dir, b.block, d.key;

  -- 52-week blocks from the 4-week blocks (13 of them), per site and '*'.
  DELETE FROM flow_dash_surveys d
   USING (SELECT DISTINCT k.op, s.key AS site_key, flow_dash_block(k.week, 364) AS block, k.dir
            FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir), LATERAL (VALUES (k.site::text), ('*')) s(key)) b
   WHERE d.lvl = 2 AND d.operation_id = b.op AND d.site_key = b.site_key AND d.direction = b.dir AND d.bucket = b.block;
  INSERT INTO flow_dash_surveys
  WITH b AS (SELECT DISTINCT k.op, s.key AS site_key, flow_dash_block(k.week, 364) AS block, k.dir
               FROM unnest(p_op, p_site, p_week, p_dir) AS k(op, site, week, dir), LATERAL (VALUES (k.site::text), ('*')) s(key))
  SELECT b.op, d.dim, 2, b.site_key, b.dir, b.block, d.key, sum(d.surveys), sum(d.people), sum(d.est), sum(d.surveys_pub), sum(d.people_pub), sum(d.est_pub)
    FROM b JOIN flow_dash_surveys d ON d.operation_id = b.op AND d.lvl = 1 AND d.site_key = b.site_key AND d.direction = b.dir AND flow_dash_block(d.bucket, 364) = b.block AND d.bucket >= b.block AND d.bucket < b.block + 364
   GROUP BY b.op, d.dim, b.site_key, b.dir, b.block, d.key;
  IF bulk THEN
    PERFORM set_config('enable_nestloop', nestloop, true);
    PERFORM set_config('enable_sort', sorting, true);
    PERFORM set_config('work_mem', workmem, true);
  END IF;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE o text[]; s uuid[]; w date[]; d text[];
BEGIN
  SELECT array_agg(k.operation_id), array_agg(k.site_id), array_agg(k.week), array_agg(k.direction) INTO o, s, w, d
    FROM (SELECT DISTINCT operation_id, site_id, date_trunc('week', date)::date AS week, direction FROM nt) k;
  PERFORM flow_dash_refresh(o, s, w, d);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE o text[]; s uuid[]; w date[]; d text[];
BEGIN
  SELECT array_agg(k.operation_id), array_agg(k.site_id), array_agg(k.week), array_agg(k.direction) INTO o, s, w, d
    FROM (SELECT DISTINCT operation_id, site_id, date_trunc('week', date)::date AS week, direction FROM ot) k;
  PERFORM flow_dash_refresh(o, s, w, d);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION flow_dash_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE o text[]; s uuid[]; w date[]; d text[];
BEGIN
  SELECT array_agg(k.operation_id), array_agg(k.site_id), array_agg(k.week), array_agg(k.direction) INTO o, s, w, d
    FROM (SELECT operation_id, site_id, date_trunc('week', date)::date AS week, direction FROM nt
          UNION SELECT operation_id, site_id, date_trunc('week', date)::date, direction FROM ot) k;
  PERFORM flow_dash_refresh(o, s, w, d);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_insert AFTER INSERT ON flow_counts REFERENCING NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_insert();
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_update AFTER UPDATE ON flow_counts REFERENCING OLD TABLE AS ot NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_update();
--> statement-breakpoint
CREATE TRIGGER flow_counts_dash_delete AFTER DELETE ON flow_counts REFERENCING OLD TABLE AS ot FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_delete();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_insert AFTER INSERT ON flow_surveys REFERENCING NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_insert();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_update AFTER UPDATE ON flow_surveys REFERENCING OLD TABLE AS ot NEW TABLE AS nt FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_update();
--> statement-breakpoint
CREATE TRIGGER flow_surveys_dash_delete AFTER DELETE ON flow_surveys REFERENCING OLD TABLE AS ot FOR EACH STATEMENT EXECUTE FUNCTION flow_dash_on_delete();
--> statement-breakpoint
-- Recomputes every rollup from the source tables (after a bulk load with the triggers off).
CREATE OR REPLACE FUNCTION flow_dash_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE o text[]; s uuid[]; w date[]; d text[];
BEGIN
  DELETE FROM flow_dash_counts;
  DELETE FROM flow_dash_surveys;
  SELECT array_agg(k.operation_id), array_agg(k.site_id), array_agg(k.week), array_agg(k.direction) INTO o, s, w, d
    FROM (SELECT DISTINCT operation_id, site_id, date_trunc('week', date)::date AS week, direction FROM flow_counts
          UNION SELECT DISTINCT operation_id, site_id, date_trunc('week', date)::date, direction FROM flow_surveys) k;
  PERFORM flow_dash_refresh(o, s, w, d);
END;
$$;
