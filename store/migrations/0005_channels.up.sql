-- Channels: which provider carried a message, what kind of message it was, what the provider answered
-- when we sent one and the statuses it reported afterwards (each once, in whatever order they came),
-- and each contact's consent to automated messages.

ALTER TABLE messages
    -- whatsapp_cloud, twilio or api: for inbound messages the provider they came through, which is the
    -- one the answer goes back through; for outbound ones the provider that carried it.
    ADD COLUMN provider            text CHECK (provider IN ('whatsapp_cloud', 'twilio', 'api')),
    ADD COLUMN delivery_error_code text,
    ADD COLUMN delivery_error      text,
    ADD COLUMN delivery_updated_at timestamptz,
    -- What the patient sent: text, media (a photo, voice note, video or file, with its caption as the
    -- text), a location, a reaction to a message, or something the channel cannot show us. Locations
    -- and reactions are recorded, not triaged.
    ADD COLUMN kind                text NOT NULL DEFAULT 'text'
        CHECK (kind IN ('text', 'media', 'location', 'reaction', 'unsupported')),
    -- The provider's details of it: media type and id, coordinates, the message reacted to.
    ADD COLUMN attachment          jsonb;

-- The provider's ids of outbound messages are unique per provider; statuses find their message by it.
CREATE UNIQUE INDEX messages_provider_id ON messages (provider, channel_message_id)
    WHERE direction = 'outbound' AND channel_message_id IS NOT NULL;

-- Each (message, status) a provider reported, once: providers deliver status callbacks more than once.
CREATE TABLE delivery_statuses (
    provider    text NOT NULL,
    provider_id text NOT NULL,
    status      text NOT NULL,
    error_code  text,
    error       text,                -- the provider's words, for a failure
    at          timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, provider_id, status)
);

-- Consent to automated messages: the contact's state now, and every change with the word that made it.
ALTER TABLE contacts
    ADD COLUMN consent            text NOT NULL DEFAULT 'opted_in' CHECK (consent IN ('opted_in', 'opted_out')),
    ADD COLUMN consent_changed_at timestamptz;

CREATE TABLE consent_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id uuid NOT NULL REFERENCES contacts (id),
    state      text NOT NULL CHECK (state IN ('opted_in', 'opted_out')),
    keyword    text NOT NULL,
    message_id uuid REFERENCES messages (id),
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_contact ON consent_events (contact_id, at);

-- A conversation in the queue changes for the nurses when a message is added to it or one of its
-- messages changes delivery state: its console page is told, as the queue is told of escalations
-- (payload "<schema>:c:<conversation id>"). Conversations outside the queue notify nobody.
CREATE FUNCTION messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM escalations WHERE conversation_id = NEW.conversation_id AND status = 'open') THEN
        PERFORM pg_notify('escalations', current_schema() || ':c:' || NEW.conversation_id::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_notify AFTER INSERT OR UPDATE OF delivery_state ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_notify();
