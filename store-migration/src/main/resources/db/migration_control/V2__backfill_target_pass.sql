-- The backfill also visits the target's keys after the source's (rows the source no longer has are removed), so its
-- checkpoint says which store's keys the cursor walks, and counts the target rows it had to fix.
-- A checkpoint saved as done before this version never ran the target pass: it is started over, target pass only.
ALTER TABLE migration_backfill ADD COLUMN IF NOT EXISTS pass text NOT NULL DEFAULT 'SOURCE';
ALTER TABLE migration_backfill ADD COLUMN IF NOT EXISTS reconciled bigint NOT NULL DEFAULT 0;
UPDATE migration_backfill SET pass = 'TARGET', cursor_key = NULL, done = false WHERE done;
