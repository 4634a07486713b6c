DROP TABLE escalations;
DROP TABLE assessments;
DROP INDEX messages_one_bot_reply;
ALTER TABLE messages
    DROP COLUMN delivery_state,
    DROP COLUMN in_reply_to,
    DROP COLUMN reply_kind,
    DROP COLUMN author;
