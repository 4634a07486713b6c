-- Outbound delivery: which provider carried a message, what it answered, and the statuses it reported
-- afterwards (each once, in whatever order they came).

ALTER TABLE messages
    -- whatsapp_cloud, twilio or api: for inbound messages the provider they came through, which is the
    -- one the answer goes back through; for outbound ones the provider that carried it.
    ADD COLUMN provider            text CHECK (provider IN ('whatsapp_cloud', 'twilio', 'api')),
    ADD COLUMN delivery_error_code text,
    ADD COLUMN delivery_error      text,
    ADD COLUMN delivery_updated_at timestamptz;

-- The provider's ids of outbound messages are unique per provider; statuses find their message by it.
CREATE UNIQUE INDEX messages_provider_id ON messages (provider, channel_message_id)
    WHERE direction = 'outbound' AND channel_message_id IS NOT NULL;

-- Each (message, status) a provider reported, once: providers deliver status callbacks more than once.
CREATE TABLE delivery_statuses (
    provider    text NOT NULL,
    provider_id text NOT NULL,
    status      text NOT NULL,
    error_code  text,
    at          timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, provider_id, status)
);
