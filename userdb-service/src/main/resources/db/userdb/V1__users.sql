-- Accounts. email_cipher and birth_date_cipher are Padlock FieldCipher ciphertexts (category "account").
-- canonical_username and username_skeleton are computed once at registration and never recomputed.
CREATE TABLE users (
  id                 uuid   PRIMARY KEY,
  username           text   NOT NULL,
  canonical_username text   NOT NULL,
  username_skeleton  text   NOT NULL,
  email_cipher       bytea  NOT NULL,
  country            text   NOT NULL,
  birth_date_cipher  bytea,
  version            bigint NOT NULL,
  updated_at_micros  bigint NOT NULL,
  CONSTRAINT users_canonical_username_key UNIQUE (canonical_username),
  CONSTRAINT users_username_skeleton_key UNIQUE (username_skeleton)
);
