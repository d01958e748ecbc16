CREATE INDEX "people_consents_individual_idx" ON "people_consents" USING btree ("individual_id");--> statement-breakpoint
CREATE INDEX "people_documents_operation_idx" ON "people_documents" USING btree ("operation_id","type");--> statement-breakpoint
CREATE INDEX "people_households_organisation_idx" ON "people_households" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "people_individuals_elsewhere_idx" ON "people_individuals" USING btree ("elsewhere_operation_id");