-- Survey rollup rows stored in the order the triggers and the dashboard read them (operation,
-- level, site key, direction, bucket): an import rewrites every answer row of the site-weeks it
-- touches and their blocks, so rows that change together should share heap pages. A rebuild
-- (bulk load, restore) writes them sorted; rows then added by triggers arrive week by week.
-- Fill factor 70 leaves room on each page, so a rewritten row's new version stays on its page.
ALTER TABLE flow_dash_surveys SET (fillfactor = 70);
--> statement-breakpoint
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
  -- Rewrite the survey rollup in read order (the recomputation writes it in hash order).
  CREATE TEMP TABLE flow_dash_sorted AS SELECT * FROM flow_dash_surveys ORDER BY operation_id, lvl, site_key, direction, bucket, dim, key;
  TRUNCATE flow_dash_surveys;
  INSERT INTO flow_dash_surveys SELECT * FROM flow_dash_sorted;
  DROP TABLE flow_dash_sorted;
END;
$$;
