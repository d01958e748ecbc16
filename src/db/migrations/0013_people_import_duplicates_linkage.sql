CREATE TABLE "people_import_duplicates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"individual_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"candidate_individual_id" uuid NOT NULL,
	"candidate_household_id" uuid NOT NULL,
	"source" text NOT NULL,
	"score" real NOT NULL,
	"decision" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_import_duplicates_distinct_check" CHECK ("people_import_duplicates"."individual_id" <> "people_import_duplicates"."candidate_individual_id")
);
--> statement-breakpoint
CREATE TABLE "linkage_candidates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"match_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"individual_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"partner_id" text NOT NULL,
	"dice" real NOT NULL,
	"decision" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"note" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	CONSTRAINT "linkage_candidates_pair_uq" UNIQUE("match_id","individual_id","partner_id")
);
--> statement-breakpoint
CREATE TABLE "linkage_exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"records" integer,
	"content" "bytea",
	"message" text,
	"job_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "linkage_matches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"partner" text NOT NULL,
	"file_name" text NOT NULL,
	"content" "bytea",
	"partner_records" integer NOT NULL,
	"our_records" integer,
	"match_links" integer,
	"review_links" integer,
	"message" text,
	"job_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "linkage_pseudonyms" (
	"export_id" uuid NOT NULL,
	"pseudonym" text NOT NULL,
	"individual_id" uuid NOT NULL,
	CONSTRAINT "linkage_pseudonyms_export_id_pseudonym_pk" PRIMARY KEY("export_id","pseudonym")
);
--> statement-breakpoint
ALTER TABLE "people_import_duplicates" ADD CONSTRAINT "people_import_duplicates_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_import_duplicates" ADD CONSTRAINT "people_import_duplicates_individual_id_people_individuals_id_fk" FOREIGN KEY ("individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_import_duplicates" ADD CONSTRAINT "people_import_duplicates_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_import_duplicates" ADD CONSTRAINT "people_import_duplicates_candidate_individual_id_people_individuals_id_fk" FOREIGN KEY ("candidate_individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_import_duplicates" ADD CONSTRAINT "people_import_duplicates_candidate_household_id_people_households_id_fk" FOREIGN KEY ("candidate_household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_candidates" ADD CONSTRAINT "linkage_candidates_match_id_linkage_matches_id_fk" FOREIGN KEY ("match_id") REFERENCES "public"."linkage_matches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_candidates" ADD CONSTRAINT "linkage_candidates_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_candidates" ADD CONSTRAINT "linkage_candidates_individual_id_people_individuals_id_fk" FOREIGN KEY ("individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_candidates" ADD CONSTRAINT "linkage_candidates_household_id_people_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_candidates" ADD CONSTRAINT "linkage_candidates_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_exports" ADD CONSTRAINT "linkage_exports_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_exports" ADD CONSTRAINT "linkage_exports_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_exports" ADD CONSTRAINT "linkage_exports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_matches" ADD CONSTRAINT "linkage_matches_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_matches" ADD CONSTRAINT "linkage_matches_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_matches" ADD CONSTRAINT "linkage_matches_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_pseudonyms" ADD CONSTRAINT "linkage_pseudonyms_export_id_linkage_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."linkage_exports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_pseudonyms" ADD CONSTRAINT "linkage_pseudonyms_individual_id_people_individuals_id_fk" FOREIGN KEY ("individual_id") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_import_duplicates_operation_idx" ON "people_import_duplicates" USING btree ("operation_id","created_at");--> statement-breakpoint
CREATE INDEX "people_import_duplicates_individual_idx" ON "people_import_duplicates" USING btree ("individual_id");--> statement-breakpoint
CREATE INDEX "people_import_duplicates_household_idx" ON "people_import_duplicates" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "people_import_duplicates_candidate_idx" ON "people_import_duplicates" USING btree ("candidate_individual_id");--> statement-breakpoint
CREATE INDEX "people_import_duplicates_candidate_household_idx" ON "people_import_duplicates" USING btree ("candidate_household_id");--> statement-breakpoint
CREATE INDEX "linkage_candidates_match_idx" ON "linkage_candidates" USING btree ("match_id","status","dice");--> statement-breakpoint
CREATE INDEX "linkage_candidates_individual_idx" ON "linkage_candidates" USING btree ("individual_id");--> statement-breakpoint
CREATE INDEX "linkage_candidates_household_idx" ON "linkage_candidates" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "linkage_candidates_operation_idx" ON "linkage_candidates" USING btree ("operation_id");--> statement-breakpoint
CREATE INDEX "linkage_candidates_decided_by_idx" ON "linkage_candidates" USING btree ("decided_by");--> statement-breakpoint
CREATE INDEX "linkage_exports_operation_idx" ON "linkage_exports" USING btree ("operation_id","created_at");--> statement-breakpoint
CREATE INDEX "linkage_exports_job_idx" ON "linkage_exports" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "linkage_exports_created_by_idx" ON "linkage_exports" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "linkage_matches_operation_idx" ON "linkage_matches" USING btree ("operation_id","created_at");--> statement-breakpoint
CREATE INDEX "linkage_matches_job_idx" ON "linkage_matches" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "linkage_matches_created_by_idx" ON "linkage_matches" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "linkage_pseudonyms_individual_idx" ON "linkage_pseudonyms" USING btree ("individual_id");