CREATE TABLE "people_consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"household_id" uuid NOT NULL,
	"individual_id" uuid,
	"purpose" text NOT NULL,
	"given_on" date NOT NULL,
	"notes" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_by" uuid,
	"withdrawal_reason" text
);
--> statement-breakpoint
CREATE TABLE "people_document_statuses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"status" text NOT NULL,
	"on" date NOT NULL,
	"valid_to" date,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"individual_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"type" text NOT NULL,
	"number" text NOT NULL,
	"issuing_country" text NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"status" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people_household_versions" (
	"household_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"action" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_household_versions_household_id_version_pk" PRIMARY KEY("household_id","version")
);
--> statement-breakpoint
CREATE TABLE "people_households" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"reference" text NOT NULL,
	"qr_token" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"population_group" text NOT NULL,
	"organisation_id" uuid,
	"current_pcode" text,
	"current_site_id" uuid,
	"origin_pcode" text,
	"destination_pcode" text,
	"destination_site_id" uuid,
	"crossing_site_id" uuid,
	"crossing_date" date,
	"female_headed" boolean DEFAULT false NOT NULL,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"body_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_households_reference_uq" UNIQUE("reference"),
	CONSTRAINT "people_households_qr_uq" UNIQUE("qr_token"),
	CONSTRAINT "people_households_version_check" CHECK ("people_households"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "people_individuals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"household_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"relationship" text NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"given_name" text,
	"father_name" text,
	"family_name" text,
	"given_name_ar" text,
	"father_name_ar" text,
	"family_name_ar" text,
	"sex" text NOT NULL,
	"birth_precision" text,
	"birth_input" text,
	"birth_date" date,
	"birth_year_from" smallint,
	"birth_year_to" smallint,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"washington_group" jsonb,
	"specific_needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"uasc" boolean DEFAULT false NOT NULL,
	"elsewhere_operation_id" text,
	"removed_at" timestamp with time zone,
	"removal_reason" text,
	"search_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"match_keys" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people_sequences" (
	"operation_id" text PRIMARY KEY NOT NULL,
	"last_household" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "people_consents" ADD CONSTRAINT "people_consents_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_consents" ADD CONSTRAINT "people_consents_individual_id_people_individuals_id_fk" FOREIGN KEY ("individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_document_statuses" ADD CONSTRAINT "people_document_statuses_document_id_people_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."people_documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_document_statuses" ADD CONSTRAINT "people_document_statuses_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_documents" ADD CONSTRAINT "people_documents_individual_id_people_individuals_id_fk" FOREIGN KEY ("individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_documents" ADD CONSTRAINT "people_documents_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_documents" ADD CONSTRAINT "people_documents_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_household_versions" ADD CONSTRAINT "people_household_versions_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_households" ADD CONSTRAINT "people_households_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_households" ADD CONSTRAINT "people_households_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_individuals" ADD CONSTRAINT "people_individuals_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_individuals" ADD CONSTRAINT "people_individuals_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_individuals" ADD CONSTRAINT "people_individuals_elsewhere_operation_id_operations_id_fk" FOREIGN KEY ("elsewhere_operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_sequences" ADD CONSTRAINT "people_sequences_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_consents_household_idx" ON "people_consents" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_document_statuses_doc_idx" ON "people_document_statuses" USING btree ("document_id","created_at");--> statement-breakpoint
CREATE INDEX "people_document_statuses_household_idx" ON "people_document_statuses" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_documents_individual_idx" ON "people_documents" USING btree ("individual_id");--> statement-breakpoint
CREATE INDEX "people_documents_household_idx" ON "people_documents" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_households_list_idx" ON "people_households" USING btree ("operation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "people_households_pcode_idx" ON "people_households" USING btree ("operation_id","current_pcode");--> statement-breakpoint
CREATE INDEX "people_individuals_household_idx" ON "people_individuals" USING btree ("household_id","position");--> statement-breakpoint
CREATE INDEX "people_individuals_operation_idx" ON "people_individuals" USING btree ("operation_id","id");--> statement-breakpoint
CREATE INDEX "people_individuals_search_idx" ON "people_individuals" USING gin ("search_keys");