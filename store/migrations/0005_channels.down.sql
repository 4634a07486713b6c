DROP TRIGGER messages_notify ON messages;
DROP FUNCTION messages_notify();
DROP TABLE consent_events;
ALTER TABLE contacts DROP COLUMN consent, DROP COLUMN consent_changed_at;
DROP TABLE delivery_statuses;
DROP INDEX messages_provider_id;
ALTER TABLE messages
    DROP COLUMN provider,
    DROP COLUMN delivery_error_code,
    DROP COLUMN delivery_error,
    DROP COLUMN delivery_updated_at,
    DROP COLUMN kind,
    DROP COLUMN attachment;
