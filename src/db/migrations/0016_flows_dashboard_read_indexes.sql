DROP INDEX "flow_dash_surveys_bucket_idx";--> statement-breakpoint
DROP INDEX "flow_dash_surveys_upkeep_idx";
--> statement-breakpoint
-- Dashboard reads (src/modules/flows/dashboard.ts), answered from these covering indexes without
-- visiting the tables once the visibility map is set (autovacuum on PostgreSQL; VACUUM on PGlite).
-- Drizzle cannot declare INCLUDE columns, so they live here only.
-- Survey answers: one range per site key × direction × bucket (and dimension). Its leading columns
-- are those of the upkeep index it replaces (flow_dash_surveys_upkeep_idx, dropped above with the
-- bucket index, which no read uses): the triggers' upkeep reads it too.
CREATE INDEX "flow_dash_surveys_read_idx" ON "flow_dash_surveys" USING btree ("operation_id","lvl","site_key","direction","bucket","dim") INCLUDE ("key","surveys","people","est","surveys_pub","people_pub","est_pub");
--> statement-breakpoint
-- Counted flow by day (a day series, the days at the edges of a period) for current versions.
CREATE INDEX "flow_counts_dash_idx" ON "flow_counts" USING btree ("operation_id","site_id","direction","date") INCLUDE ("total","men","women","boys","girls","deported","spontaneous","other_reason","status") WHERE "current";
