-- So that deleting a person also removes the replies kept for their updates.
ALTER TABLE processed_updates ADD COLUMN person_id INTEGER;
CREATE INDEX processed_updates_by_person ON processed_updates (person_id);
