CREATE TABLE "flow_dash_counts" (
	"operation_id" text NOT NULL,
	"grain" text NOT NULL,
	"pub" boolean NOT NULL,
	"bucket" date NOT NULL,
	"site_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"days" integer NOT NULL,
	"total" bigint NOT NULL,
	"men" bigint NOT NULL,
	"women" bigint NOT NULL,
	"boys" bigint NOT NULL,
	"girls" bigint NOT NULL,
	"deported" bigint NOT NULL,
	"spontaneous" bigint NOT NULL,
	"other_reason" bigint NOT NULL,
	CONSTRAINT "flow_dash_counts_operation_id_grain_pub_bucket_site_id_direction_pk" PRIMARY KEY("operation_id","grain","pub","bucket","site_id","direction")
);
--> statement-breakpoint
CREATE TABLE "flow_dash_surveys" (
	"operation_id" text NOT NULL,
	"dim" text NOT NULL,
	"lvl" smallint NOT NULL,
	"site_key" text NOT NULL,
	"direction" text NOT NULL,
	"bucket" date NOT NULL,
	"key" text NOT NULL,
	"surveys" integer NOT NULL,
	"people" bigint NOT NULL,
	"est" double precision NOT NULL,
	"surveys_pub" integer NOT NULL,
	"people_pub" bigint NOT NULL,
	"est_pub" double precision NOT NULL,
	CONSTRAINT "flow_dash_surveys_operation_id_dim_lvl_site_key_direction_bucket_key_pk" PRIMARY KEY("operation_id","dim","lvl","site_key","direction","bucket","key")
);
--> statement-breakpoint
CREATE INDEX "flow_dash_surveys_bucket_idx" ON "flow_dash_surveys" USING btree ("operation_id","lvl","bucket");