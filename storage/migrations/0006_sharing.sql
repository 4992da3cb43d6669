-- Sharing with a therapist: one-time link codes, links with their scopes, summaries.

CREATE TABLE share_codes (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL UNIQUE,  -- SHA-256 of the code: the code itself is never stored
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX share_codes_by_person ON share_codes (person_id);

-- Wrong codes an account tried recently: too many in an hour and it has to wait.
CREATE TABLE code_attempts (
    person_id     INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    failures      INTEGER NOT NULL,
    window_start  TEXT    NOT NULL
);

CREATE TABLE links (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,  -- who shares
    therapist_id     INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,  -- who reads
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
    scopes           TEXT    NOT NULL DEFAULT '',  -- scope ids, comma-separated
    auto_send        INTEGER NOT NULL DEFAULT 0,    -- 0: the person sees each summary first
    therapist_label  TEXT,                          -- sealed: the name the person sees
    person_label     TEXT,                          -- sealed: the name the therapist sees
    created_at       TEXT    NOT NULL,
    confirmed_at     TEXT,
    revoked_at       TEXT,
    UNIQUE (person_id, therapist_id)
);
CREATE INDEX links_by_therapist ON links (therapist_id, status);

CREATE TABLE summaries (
    id            INTEGER PRIMARY KEY,
    link_id       INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    period_start  TEXT    NOT NULL,  -- UTC instants: the week the summary covers
    period_end    TEXT    NOT NULL,
    text          TEXT    NOT NULL,  -- sealed: exactly what the person previewed
    status        TEXT    NOT NULL
        CHECK (status IN ('preview', 'approved', 'sent', 'declined', 'dropped', 'undelivered')),
    created_at    TEXT    NOT NULL,
    sent_at       TEXT,
    UNIQUE (link_id, period_end)
);
CREATE INDEX summaries_by_person ON summaries (person_id, status);
