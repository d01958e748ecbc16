CREATE TABLE "mobility_assessments" (
	"id" uuid NOT NULL,
	"version" integer NOT NULL,
	"current" boolean NOT NULL,
	"operation_id" text NOT NULL,
	"round_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"admin1_pcode" text NOT NULL,
	"admin2_pcode" text NOT NULL,
	"site_id" uuid,
	"settlement" text,
	"location_key" text NOT NULL,
	"idp_ind" integer DEFAULT 0 NOT NULL,
	"idp_hh" integer DEFAULT 0 NOT NULL,
	"returnee_ind" integer DEFAULT 0 NOT NULL,
	"returnee_hh" integer DEFAULT 0 NOT NULL,
	"idp_returnee_ind" integer DEFAULT 0 NOT NULL,
	"idp_returnee_hh" integer DEFAULT 0 NOT NULL,
	"out_migrant_ind" integer DEFAULT 0 NOT NULL,
	"out_migrant_hh" integer DEFAULT 0 NOT NULL,
	"idp_males" integer,
	"idp_females" integer,
	"displacement_reason" text,
	"idp_origin_admin1_pcode" text,
	"by_period" jsonb,
	"individuals" integer,
	"households" integer,
	"services" text[],
	"event_type" text,
	"event_date" date,
	"affected_hh" integer,
	"displaced_hh" integer,
	"damaged_shelters" integer,
	"destroyed_shelters" integer,
	"priority_needs" text[],
	"notes" text,
	"body_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mobility_assessments_id_version_pk" PRIMARY KEY("id","version"),
	CONSTRAINT "mobility_assessments_version_check" CHECK ("mobility_assessments"."version" >= 1),
	CONSTRAINT "mobility_assessments_counts_check" CHECK ("mobility_assessments"."idp_ind" >= 0 and "mobility_assessments"."idp_hh" >= 0 and "mobility_assessments"."returnee_ind" >= 0 and "mobility_assessments"."returnee_hh" >= 0 and "mobility_assessments"."idp_returnee_ind" >= 0 and "mobility_assessments"."idp_returnee_hh" >= 0 and "mobility_assessments"."out_migrant_ind" >= 0 and "mobility_assessments"."out_migrant_hh" >= 0)
);
--> statement-breakpoint
CREATE TABLE "mobility_rounds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"kind" text NOT NULL,
	"round_number" integer NOT NULL,
	"name" text NOT NULL,
	"reference_date" date NOT NULL,
	"period_from" date,
	"period_to" date,
	"notes" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"body_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitted_by" uuid,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	CONSTRAINT "mobility_rounds_number_uq" UNIQUE("operation_id","kind","round_number"),
	CONSTRAINT "mobility_rounds_number_check" CHECK ("mobility_rounds"."round_number" >= 1),
	CONSTRAINT "mobility_rounds_period_check" CHECK ("mobility_rounds"."period_from" is null or "mobility_rounds"."period_to" is null or "mobility_rounds"."period_from" <= "mobility_rounds"."period_to")
);
--> statement-breakpoint
ALTER TABLE "mobility_assessments" ADD CONSTRAINT "mobility_assessments_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mobility_assessments" ADD CONSTRAINT "mobility_assessments_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mobility_assessments" ADD CONSTRAINT "mobility_assessments_round_fk" FOREIGN KEY ("round_id") REFERENCES "public"."mobility_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mobility_rounds" ADD CONSTRAINT "mobility_rounds_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mobility_assessments_current_uq" ON "mobility_assessments" USING btree ("round_id","location_key") WHERE "mobility_assessments"."current";--> statement-breakpoint
CREATE INDEX "mobility_assessments_round_idx" ON "mobility_assessments" USING btree ("round_id","admin2_pcode","id");--> statement-breakpoint
CREATE INDEX "mobility_assessments_area_idx" ON "mobility_assessments" USING btree ("operation_id","admin2_pcode");--> statement-breakpoint
CREATE INDEX "mobility_assessments_site_idx" ON "mobility_assessments" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "mobility_rounds_list_idx" ON "mobility_rounds" USING btree ("operation_id","reference_date","id");