-- Creates that have begun (the user's keys may exist in Padlock) and have not finished: a retry with the same id
-- completes them, the orphan sweeper gives up those nobody finishes and shreds their keys. A pending create claims its
-- names: no other create may take them meanwhile (the partial unique indexes); an abandoned one claims nothing, and
-- its id can never be created again.
CREATE TABLE pending_creates (
  user_id            uuid    PRIMARY KEY,
  canonical_username text    NOT NULL,
  username_skeleton  text    NOT NULL,
  started_at_micros  bigint  NOT NULL,
  abandoned          boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX pending_creates_canonical_username_key ON pending_creates (canonical_username)
  WHERE NOT abandoned;
CREATE UNIQUE INDEX pending_creates_username_skeleton_key ON pending_creates (username_skeleton) WHERE NOT abandoned;
CREATE INDEX pending_creates_started_at ON pending_creates (started_at_micros);
