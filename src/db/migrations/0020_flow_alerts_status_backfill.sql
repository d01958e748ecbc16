-- Alerts acknowledged before the status column existed are acknowledged.
UPDATE "flow_alerts" SET "status" = 'acknowledged' WHERE "acknowledged_at" IS NOT NULL;
