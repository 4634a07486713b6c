DROP TABLE api_keys;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
