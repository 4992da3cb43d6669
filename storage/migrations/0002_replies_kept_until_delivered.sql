-- The reply to each handled update is kept until the channel confirms it was sent,
-- so a crash between commit and send re-sends it when the update comes again.
ALTER TABLE processed_updates ADD COLUMN reply TEXT;
ALTER TABLE processed_updates ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;
