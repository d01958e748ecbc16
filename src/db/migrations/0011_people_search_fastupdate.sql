DROP INDEX "people_individuals_search_idx";--> statement-breakpoint
CREATE INDEX "people_individuals_search_idx" ON "people_individuals" USING gin ("search_keys") WITH (fastupdate=false);