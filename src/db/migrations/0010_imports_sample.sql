ALTER TABLE "import_batches" ADD COLUMN "sample" jsonb;--> statement-breakpoint
ALTER TABLE "import_batches" ADD COLUMN "estimated_rows" integer;