-- Assessment of every inbound message, the human queue, and the bot's replies.

-- Who wrote a message, and for outbound ones what it is and whether it reached the patient.
ALTER TABLE messages
    ADD COLUMN author         text NOT NULL DEFAULT 'patient' CHECK (author IN ('patient', 'bot', 'nurse')),
    ADD COLUMN reply_kind     text,
    ADD COLUMN in_reply_to    uuid REFERENCES messages (id),
    ADD COLUMN delivery_state text CHECK (delivery_state IN ('queued', 'sent', 'delivered', 'read', 'failed'));
-- The bot answers an inbound message at most once of each kind, however often its job runs.
CREATE UNIQUE INDEX messages_one_bot_reply ON messages (in_reply_to, reply_kind) WHERE author = 'bot';

CREATE TABLE assessments (
    message_id       uuid PRIMARY KEY REFERENCES messages (id),
    conversation_id  uuid NOT NULL REFERENCES conversations (id),
    urgency          text NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'soon', 'routine', 'self_care')),
    intent           text NOT NULL,
    sentiment        text NOT NULL CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    sentiment_score  real NOT NULL CHECK (sentiment_score BETWEEN -1 AND 1),
    distress         text[] NOT NULL DEFAULT '{}',
    self_harm        text CHECK (self_harm IN ('passive', 'active')),
    red_flags        jsonb NOT NULL DEFAULT '[]',
    floor            text,
    source           text NOT NULL CHECK (source IN ('rules', 'rules+model')),
    -- Provenance: what the rules found, and how the model took part.
    rules            jsonb NOT NULL,
    model            text,
    prompt_version   text,
    model_latency_ms integer,
    model_urgency    text,
    redacted         boolean NOT NULL DEFAULT false,
    failure          text,
    rationale        text,
    decision         jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_conversation ON assessments (conversation_id, created_at);

CREATE TABLE escalations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES conversations (id),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    level           text NOT NULL CHECK (level IN ('emergency', 'urgent', 'soon', 'routine', 'self_care')),
    priority        smallint NOT NULL CHECK (priority BETWEEN 1 AND 5), -- 1 first
    -- [{"code": "red_flag:chest_pain", "text": "...", "message_id": "...", "at": "..."}]
    reasons         jsonb NOT NULL DEFAULT '[]',
    due_at          timestamptz NOT NULL,
    claimed_by      text,
    claimed_at      timestamptz,
    outcome         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz
);
-- One open escalation per conversation: later messages raise it, they do not add another.
CREATE UNIQUE INDEX escalations_one_open ON escalations (conversation_id) WHERE status = 'open';
CREATE INDEX escalations_queue ON escalations (priority, due_at) WHERE status = 'open';
