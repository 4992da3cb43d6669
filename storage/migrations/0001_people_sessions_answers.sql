-- People, their conversations (sessions) and the answers they chose to keep.
CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    channel       TEXT    NOT NULL,            -- 'telegram' or 'console'
    external_id   TEXT    NOT NULL,            -- the chat id on that channel
    locale        TEXT    NOT NULL DEFAULT 'en',
    name          TEXT,
    timezone      TEXT,                        -- an IANA name, never a bare offset
    consent       INTEGER NOT NULL DEFAULT 0,  -- may we keep their answers?
    onboarded     INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,  -- 0 once they blocked the bot
    created_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL,
    UNIQUE (channel, external_id)
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    dialog_id       TEXT    NOT NULL,
    dialog_version  INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'finished', 'cancelled')),
    state           TEXT    NOT NULL,          -- the engine's SessionState as JSON
    started_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
-- A person is in at most one conversation at a time.
CREATE UNIQUE INDEX sessions_one_active ON sessions (person_id) WHERE status = 'active';
CREATE INDEX sessions_by_person ON sessions (person_id, dialog_id, status);

CREATE TABLE answers (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    session_id   INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    dialog_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    value        TEXT    NOT NULL,             -- JSON: a string or a number
    answered_at  TEXT    NOT NULL,
    UNIQUE (session_id, name)
);
CREATE INDEX answers_latest ON answers (person_id, name, id);

-- The days and local times a person picked for each check-in.
CREATE TABLE schedule_preferences (
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    dialog_id   TEXT    NOT NULL,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- Monday = 0
    local_time  TEXT    NOT NULL,                                  -- 'HH:MM'
    PRIMARY KEY (person_id, dialog_id)
);

-- Updates already handled, so a redelivered one changes nothing.
CREATE TABLE processed_updates (
    channel     TEXT    NOT NULL,
    update_id   INTEGER NOT NULL,
    handled_at  TEXT    NOT NULL,
    PRIMARY KEY (channel, update_id)
);
