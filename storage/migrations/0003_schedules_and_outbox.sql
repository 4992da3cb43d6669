-- Check-ins at the times each person picks, and the outbox that delivers them.
ALTER TABLE people ADD COLUMN paused_until TEXT;  -- UTC instant; NULL when not paused

CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    dialog_id    TEXT    NOT NULL,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- Monday = 0
    local_time   TEXT    NOT NULL,                                  -- 'HH:MM', person's zone
    next_due_at  TEXT,                                              -- UTC instant
    created_at   TEXT    NOT NULL,
    UNIQUE (person_id, dialog_id, weekday, local_time)
);
CREATE INDEX schedules_due ON schedules (next_due_at);

INSERT INTO schedules (person_id, dialog_id, weekday, local_time, created_at)
    SELECT person_id, dialog_id, weekday, local_time, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM schedule_preferences;
DROP TABLE schedule_preferences;

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    dialog_id    TEXT    NOT NULL,
    due_at       TEXT    NOT NULL,   -- the UTC instant this occurrence was due
    send_after   TEXT    NOT NULL,   -- not before this (Later moves it)
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
    reason       TEXT,               -- why skipped or failed: never personal text
    attempts     INTEGER NOT NULL DEFAULT 0,
    sent_at      TEXT,
    answered     TEXT,               -- the person's button: start, later, skip
    UNIQUE (schedule_id, due_at)
);
CREATE INDEX outbox_pending ON outbox (status, send_after);
CREATE INDEX outbox_by_person ON outbox (person_id, status);
