-- The nurses' console: accounts and their sessions, internal notes on escalations, the append-only
-- audit log, and a notification on every change to the queue.

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    role          text NOT NULL CHECK (role IN ('nurse', 'lead', 'admin')),
    password_hash text NOT NULL,
    -- Failed logins in a row, and until when the account refuses logins (a short, growing pause
    -- after each failure; a long lock after many).
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    disabled_at   timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,   -- sha256 of the cookie's token: a stolen table opens no session
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    ip           text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE escalation_notes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id   uuid NOT NULL REFERENCES escalations (id),
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    author_id       uuid NOT NULL REFERENCES users (id),
    kind            text NOT NULL CHECK (kind IN ('note', 'priority', 'resolve', 'hand_back', 'claim', 'release')),
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalation_notes_conversation ON escalation_notes (conversation_id, created_at);

-- A nurse's reply names the nurse.
ALTER TABLE messages ADD COLUMN author_id uuid REFERENCES users (id);

-- Who saw or did what, when and from where. Rows are only ever added: the database refuses to change
-- or remove them, whoever asks.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid,                 -- null for a failed login with an unknown e-mail
    actor_email text NOT NULL,        -- as given at the time
    action      text NOT NULL,
    target      text,                 -- the conversation, escalation or user acted on
    ip          text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Every change to the queue wakes the consoles (all server processes) up. The payload names the
-- schema, so that processes sharing a database but not a schema (tests) ignore each other.
CREATE FUNCTION escalations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('escalations', current_schema() || ':' || NEW.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER escalations_notify AFTER INSERT OR UPDATE ON escalations
    FOR EACH ROW EXECUTE FUNCTION escalations_notify();
