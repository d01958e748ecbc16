ALTER TABLE "flow_alerts" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD COLUMN "withdrawn_by" uuid;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD COLUMN "withdrawn_observed" integer;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD COLUMN "reopened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_status_check" CHECK ("flow_alerts"."status" in ('open', 'acknowledged', 'withdrawn'));