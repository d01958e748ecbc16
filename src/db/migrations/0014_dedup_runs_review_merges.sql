CREATE TABLE "dedup_decisions" (
	"operation_id" text NOT NULL,
	"id_a" uuid NOT NULL,
	"id_b" uuid NOT NULL,
	"decision" text NOT NULL,
	"run_id" uuid,
	"score" real,
	"merge_id" uuid,
	"note" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dedup_decisions_operation_id_id_a_id_b_pk" PRIMARY KEY("operation_id","id_a","id_b"),
	CONSTRAINT "dedup_decisions_order_check" CHECK ("dedup_decisions"."id_a" < "dedup_decisions"."id_b")
);
--> statement-breakpoint
CREATE TABLE "dedup_merges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"survivor_household_id" uuid NOT NULL,
	"merged_household_id" uuid NOT NULL,
	"households_merged" boolean DEFAULT false NOT NULL,
	"undo" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"run_id" uuid,
	"score" real,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" uuid,
	CONSTRAINT "dedup_merges_distinct_check" CHECK ("dedup_merges"."survivor_id" <> "dedup_merges"."merged_id")
);
--> statement-breakpoint
CREATE TABLE "dedup_pairs" (
	"run_id" uuid NOT NULL,
	"operation_id" text NOT NULL,
	"id_a" uuid NOT NULL,
	"id_b" uuid NOT NULL,
	"score" real NOT NULL,
	"decision" text NOT NULL,
	"parts" jsonb,
	"skipped_at" timestamp with time zone,
	"skipped_by" uuid,
	CONSTRAINT "dedup_pairs_run_id_id_a_id_b_pk" PRIMARY KEY("run_id","id_a","id_b"),
	CONSTRAINT "dedup_pairs_order_check" CHECK ("dedup_pairs"."id_a" < "dedup_pairs"."id_b")
);
--> statement-breakpoint
CREATE TABLE "dedup_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation_id" text NOT NULL,
	"job_id" uuid,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text,
	"records" integer,
	"candidate_pairs" integer,
	"match_pairs" integer,
	"review_pairs" integer,
	"stats" jsonb,
	"message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "people_households" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "people_individuals" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "dedup_decisions" ADD CONSTRAINT "dedup_decisions_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_decisions" ADD CONSTRAINT "dedup_decisions_run_id_dedup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dedup_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_decisions" ADD CONSTRAINT "dedup_decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_merges" ADD CONSTRAINT "dedup_merges_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_merges" ADD CONSTRAINT "dedup_merges_run_id_dedup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dedup_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_merges" ADD CONSTRAINT "dedup_merges_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_merges" ADD CONSTRAINT "dedup_merges_undone_by_users_id_fk" FOREIGN KEY ("undone_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_pairs" ADD CONSTRAINT "dedup_pairs_run_id_dedup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dedup_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_pairs" ADD CONSTRAINT "dedup_pairs_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_runs" ADD CONSTRAINT "dedup_runs_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_runs" ADD CONSTRAINT "dedup_runs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dedup_runs" ADD CONSTRAINT "dedup_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dedup_decisions_b_idx" ON "dedup_decisions" USING btree ("id_b");--> statement-breakpoint
CREATE INDEX "dedup_decisions_run_idx" ON "dedup_decisions" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "dedup_decisions_decided_by_idx" ON "dedup_decisions" USING btree ("decided_by");--> statement-breakpoint
CREATE INDEX "dedup_merges_operation_idx" ON "dedup_merges" USING btree ("operation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "dedup_merges_survivor_hh_idx" ON "dedup_merges" USING btree ("survivor_household_id");--> statement-breakpoint
CREATE INDEX "dedup_merges_merged_hh_idx" ON "dedup_merges" USING btree ("merged_household_id");--> statement-breakpoint
CREATE INDEX "dedup_merges_run_idx" ON "dedup_merges" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "dedup_merges_created_by_idx" ON "dedup_merges" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "dedup_merges_undone_by_idx" ON "dedup_merges" USING btree ("undone_by");--> statement-breakpoint
CREATE INDEX "dedup_pairs_queue_idx" ON "dedup_pairs" USING btree ("run_id","score","id_a","id_b");--> statement-breakpoint
CREATE INDEX "dedup_pairs_a_idx" ON "dedup_pairs" USING btree ("id_a");--> statement-breakpoint
CREATE INDEX "dedup_pairs_b_idx" ON "dedup_pairs" USING btree ("id_b");--> statement-breakpoint
CREATE INDEX "dedup_pairs_operation_idx" ON "dedup_pairs" USING btree ("operation_id");--> statement-breakpoint
CREATE INDEX "dedup_runs_operation_idx" ON "dedup_runs" USING btree ("operation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "dedup_runs_job_idx" ON "dedup_runs" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "dedup_runs_created_by_idx" ON "dedup_runs" USING btree ("created_by");--> statement-breakpoint
ALTER TABLE "people_households" ADD CONSTRAINT "people_households_merged_into_people_households_id_fk" FOREIGN KEY ("merged_into") REFERENCES "public"."people_households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_individuals" ADD CONSTRAINT "people_individuals_merged_into_people_individuals_id_fk" FOREIGN KEY ("merged_into") REFERENCES "public"."people_individuals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_households_merged_into_idx" ON "people_households" USING btree ("merged_into");--> statement-breakpoint
CREATE INDEX "people_individuals_merged_into_idx" ON "people_individuals" USING btree ("merged_into");