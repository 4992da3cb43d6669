-- How many safety replies a person got (a count only: never the words that caused them),
-- and when they were seen before this time (to say again what the companion is after
-- a week or more away).
ALTER TABLE people ADD COLUMN safety_replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN previous_seen_at TEXT;
