CREATE TABLE outbox (id bigserial PRIMARY KEY, payload bytea NOT NULL);
