CREATE TABLE "flow_alert_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"site_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"kind" text NOT NULL,
	"window" text DEFAULT '7d' NOT NULL,
	"factor" double precision,
	"threshold" integer,
	"min_total" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"notes" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_alert_rules_kind_check" CHECK (("flow_alert_rules"."kind" = 'ratio' and "flow_alert_rules"."factor" is not null and "flow_alert_rules"."factor" > 0 and "flow_alert_rules"."window" = '7d') or ("flow_alert_rules"."kind" = 'absolute' and "flow_alert_rules"."threshold" is not null and "flow_alert_rules"."threshold" >= 0)),
	CONSTRAINT "flow_alert_rules_min_check" CHECK ("flow_alert_rules"."min_total" >= 0)
);
--> statement-breakpoint
CREATE TABLE "flow_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"rule_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"date" date NOT NULL,
	"kind" text NOT NULL,
	"window" text NOT NULL,
	"observed" integer NOT NULL,
	"expected" double precision,
	"level" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledge_note" text,
	CONSTRAINT "flow_alerts_rule_day_uq" UNIQUE("rule_id","date")
);
--> statement-breakpoint
ALTER TABLE "flow_alert_rules" ADD CONSTRAINT "flow_alert_rules_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alert_rules" ADD CONSTRAINT "flow_alert_rules_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_rule_id_flow_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."flow_alert_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_alerts" ADD CONSTRAINT "flow_alerts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flow_alert_rules_site_idx" ON "flow_alert_rules" USING btree ("site_id","direction");--> statement-breakpoint
CREATE INDEX "flow_alert_rules_operation_idx" ON "flow_alert_rules" USING btree ("operation_id");--> statement-breakpoint
CREATE INDEX "flow_alerts_list_idx" ON "flow_alerts" USING btree ("operation_id","date","id");--> statement-breakpoint
CREATE INDEX "flow_alerts_site_idx" ON "flow_alerts" USING btree ("site_id","date");