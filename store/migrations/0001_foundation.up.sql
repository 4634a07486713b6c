-- Foundation: who writes (contacts), the threads they write in (conversations), every message in and
-- out, and the API keys integrators authenticate with.

CREATE TABLE contacts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- E.164 phone number ("+15555550123") or, for channels without one, the channel's user id.
    address    text NOT NULL UNIQUE CHECK (address <> ''),
    name       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_id          uuid NOT NULL REFERENCES contacts (id),
    channel             text NOT NULL CHECK (channel IN ('api', 'whatsapp', 'sms')),
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    -- The language the patient writes in, learnt from confident detections; the prior for short text.
    language            text,
    language_confidence real,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_message_at     timestamptz NOT NULL DEFAULT now(),
    closed_at           timestamptz
);
-- One open conversation per contact and channel: every new message joins it.
CREATE UNIQUE INDEX conversations_one_open ON conversations (contact_id, channel) WHERE status = 'open';

CREATE TABLE messages (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id     uuid NOT NULL REFERENCES conversations (id),
    direction           text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel             text NOT NULL,
    -- The provider's (or the API caller's) id: redelivery of the same id is a no-op.
    channel_message_id  text,
    body                text NOT NULL,
    sent_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    language            text,
    language_confidence real,
    -- How the language was chosen: 'text' (detected), 'prior' (the conversation's), 'default'.
    language_source     text CHECK (language_source IN ('text', 'prior', 'default')),
    -- Writing system, e.g. 'Latn' for Hindi typed in Latin letters.
    script              text,
    processed_at        timestamptz
);
CREATE UNIQUE INDEX messages_channel_message_id ON messages (channel, channel_message_id);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (name <> ''),
    -- The first characters of the key, to tell keys apart in listings; never enough to use it.
    prefix       text NOT NULL,
    -- SHA-256 of the whole key: keys are long and random, so a fast hash is enough and the key itself
    -- is never stored.
    hash         bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
