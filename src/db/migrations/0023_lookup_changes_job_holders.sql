CREATE TABLE "job_runners" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people_lookup_changes" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "people_lookup_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"operation_id" text NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"ids" uuid[] NOT NULL,
	"changed_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "holder" text;--> statement-breakpoint
CREATE INDEX "people_lookup_changes_op_idx" ON "people_lookup_changes" USING btree ("operation_id","xid");--> statement-breakpoint
CREATE INDEX "people_lookup_changes_at_idx" ON "people_lookup_changes" USING btree ("changed_at");--> statement-breakpoint
-- Change log for the duplicate lookup's in-memory indexes (people/lookup.ts): one row per
-- statement and operation, listing the people whose match keys, removal or operation it changed.
CREATE FUNCTION people_lookup_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO people_lookup_changes (operation_id, ids)
      SELECT operation_id, array_agg(id) FROM people_lookup_new GROUP BY operation_id;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO people_lookup_changes (operation_id, ids)
      SELECT operation_id, array_agg(id) FROM people_lookup_old GROUP BY operation_id;
  ELSE
    INSERT INTO people_lookup_changes (operation_id, ids)
      SELECT c.operation_id, array_agg(DISTINCT c.id)
        FROM (
          SELECT n.operation_id, n.id, o.operation_id AS old_operation_id
            FROM people_lookup_new n JOIN people_lookup_old o ON o.id = n.id
           WHERE n.match_keys IS DISTINCT FROM o.match_keys OR n.removed_at IS DISTINCT FROM o.removed_at OR n.operation_id IS DISTINCT FROM o.operation_id
        ) x
        CROSS JOIN LATERAL (VALUES (x.operation_id, x.id), (x.old_operation_id, x.id)) c(operation_id, id)
       GROUP BY c.operation_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER people_lookup_log_insert AFTER INSERT ON people_individuals REFERENCING NEW TABLE AS people_lookup_new FOR EACH STATEMENT EXECUTE FUNCTION people_lookup_log();
--> statement-breakpoint
CREATE TRIGGER people_lookup_log_update AFTER UPDATE ON people_individuals REFERENCING OLD TABLE AS people_lookup_old NEW TABLE AS people_lookup_new FOR EACH STATEMENT EXECUTE FUNCTION people_lookup_log();
--> statement-breakpoint
CREATE TRIGGER people_lookup_log_delete AFTER DELETE ON people_individuals REFERENCING OLD TABLE AS people_lookup_old FOR EACH STATEMENT EXECUTE FUNCTION people_lookup_log();
