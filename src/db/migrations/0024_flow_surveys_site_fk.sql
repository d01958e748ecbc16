ALTER TABLE "sites" ADD CONSTRAINT "sites_operation_id_uq" UNIQUE("operation_id","id");--> statement-breakpoint
ALTER TABLE "flow_surveys" DROP CONSTRAINT "flow_surveys_operation_id_operations_id_fk";
--> statement-breakpoint
ALTER TABLE "flow_surveys" DROP CONSTRAINT "flow_surveys_site_id_sites_id_fk";
--> statement-breakpoint
DROP INDEX "flow_surveys_site_date_idx";--> statement-breakpoint
CREATE INDEX "flow_surveys_site_date_idx" ON "flow_surveys" USING btree ("site_id","operation_id","date");--> statement-breakpoint
ALTER TABLE "flow_surveys" ADD CONSTRAINT "flow_surveys_site_fk" FOREIGN KEY ("operation_id","site_id") REFERENCES "public"."sites"("operation_id","id") ON DELETE no action ON UPDATE no action;
