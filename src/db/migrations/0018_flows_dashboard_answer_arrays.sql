CREATE TABLE "flow_dash_answers" (
	"operation_id" text NOT NULL,
	"lvl" smallint NOT NULL,
	"site_key" text NOT NULL,
	"direction" text NOT NULL,
	"bucket" date NOT NULL,
	"dim" text NOT NULL,
	"keys" text[] NOT NULL,
	"surveys" integer[] NOT NULL,
	"people" bigint[] NOT NULL,
	"est" double precision[] NOT NULL,
	"surveys_pub" integer[] NOT NULL,
	"people_pub" bigint[] NOT NULL,
	"est_pub" double precision[] NOT NULL,
	CONSTRAINT "flow_dash_answers_operation_id_lvl_site_key_direction_bucket_dim_pk" PRIMARY KEY("operation_id","lvl","site_key","direction","bucket","dim")
);
