DROP TRIGGER escalations_notify ON escalations;
DROP FUNCTION escalations_notify();
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
ALTER TABLE messages DROP COLUMN author_id;
DROP TABLE escalation_notes;
DROP TABLE sessions;
DROP TABLE users;
