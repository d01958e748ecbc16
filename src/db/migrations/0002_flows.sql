CREATE TABLE "flow_counts" (
	"id" uuid NOT NULL,
	"version" integer NOT NULL,
	"current" boolean NOT NULL,
	"operation_id" text NOT NULL,
	"site_id" uuid NOT NULL,
	"date" date NOT NULL,
	"direction" text NOT NULL,
	"neighbour_country" text NOT NULL,
	"total" integer NOT NULL,
	"men" integer DEFAULT 0 NOT NULL,
	"women" integer DEFAULT 0 NOT NULL,
	"boys" integer DEFAULT 0 NOT NULL,
	"girls" integer DEFAULT 0 NOT NULL,
	"afghan" integer DEFAULT 0 NOT NULL,
	"other_nationality" integer DEFAULT 0 NOT NULL,
	"deported" integer,
	"spontaneous" integer,
	"other_reason" integer,
	"transport_foot" integer DEFAULT 0 NOT NULL,
	"transport_car" integer DEFAULT 0 NOT NULL,
	"transport_bus" integer DEFAULT 0 NOT NULL,
	"transport_truck" integer DEFAULT 0 NOT NULL,
	"transport_other" integer DEFAULT 0 NOT NULL,
	"notes" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"body_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitted_by" uuid,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	CONSTRAINT "flow_counts_id_version_pk" PRIMARY KEY("id","version"),
	CONSTRAINT "flow_counts_key_uq" UNIQUE("operation_id","site_id","date","direction","neighbour_country","version"),
	CONSTRAINT "flow_counts_version_check" CHECK ("flow_counts"."version" >= 1),
	CONSTRAINT "flow_counts_total_check" CHECK ("flow_counts"."total" >= 0),
	CONSTRAINT "flow_counts_breakdown_check" CHECK ("flow_counts"."men" >= 0 and "flow_counts"."women" >= 0 and "flow_counts"."boys" >= 0 and "flow_counts"."girls" >= 0 and "flow_counts"."afghan" >= 0 and "flow_counts"."other_nationality" >= 0
        and "flow_counts"."transport_foot" >= 0 and "flow_counts"."transport_car" >= 0 and "flow_counts"."transport_bus" >= 0 and "flow_counts"."transport_truck" >= 0 and "flow_counts"."transport_other" >= 0)
);
--> statement-breakpoint
CREATE TABLE "flow_surveys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"site_id" uuid NOT NULL,
	"date" date NOT NULL,
	"direction" text NOT NULL,
	"respondent_sex" text NOT NULL,
	"respondent_age_band" text NOT NULL,
	"group_size" integer NOT NULL,
	"men" integer DEFAULT 0 NOT NULL,
	"women" integer DEFAULT 0 NOT NULL,
	"boys" integer DEFAULT 0 NOT NULL,
	"girls" integer DEFAULT 0 NOT NULL,
	"origin_country" text NOT NULL,
	"origin_pcode" text,
	"documents" text[] NOT NULL,
	"reasons" text[] NOT NULL,
	"intended_stay" text NOT NULL,
	"destination_adm1" text,
	"destination_adm2" text,
	"vulnerabilities" text[] NOT NULL,
	"needs" text[] NOT NULL,
	"consent" boolean NOT NULL,
	"body_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_surveys_consent_check" CHECK ("flow_surveys"."consent"),
	CONSTRAINT "flow_surveys_group_check" CHECK ("flow_surveys"."group_size" >= 1)
);
--> statement-breakpoint
ALTER TABLE "flow_counts" ADD CONSTRAINT "flow_counts_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_counts" ADD CONSTRAINT "flow_counts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_surveys" ADD CONSTRAINT "flow_surveys_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flow_surveys" ADD CONSTRAINT "flow_surveys_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flow_counts_current_uq" ON "flow_counts" USING btree ("operation_id","site_id","date","direction","neighbour_country") WHERE "flow_counts"."current";--> statement-breakpoint
CREATE INDEX "flow_counts_site_date_idx" ON "flow_counts" USING btree ("site_id","date");--> statement-breakpoint
CREATE INDEX "flow_counts_period_idx" ON "flow_counts" USING btree ("operation_id","date","site_id") WHERE "flow_counts"."current";--> statement-breakpoint
CREATE INDEX "flow_surveys_site_date_idx" ON "flow_surveys" USING btree ("site_id","date");--> statement-breakpoint
CREATE INDEX "flow_surveys_period_idx" ON "flow_surveys" USING btree ("operation_id","date","site_id");