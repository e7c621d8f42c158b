-- The live migration's control record, the instances' phase reports, and the backfill's checkpoint and lease.
-- IF NOT EXISTS: databases from before this schema was versioned have these tables already.
CREATE TABLE IF NOT EXISTS migration_control (
  migration  text PRIMARY KEY,
  phase      text NOT NULL,
  epoch      bigint NOT NULL,
  changed_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS migration_instances (
  migration   text NOT NULL,
  instance_id text NOT NULL,
  phase       text NOT NULL,
  epoch       bigint NOT NULL,
  reported_at timestamptz NOT NULL,
  PRIMARY KEY (migration, instance_id)
);

CREATE TABLE IF NOT EXISTS migration_backfill (
  migration   text PRIMARY KEY,
  cursor_key  text,
  copied      bigint NOT NULL DEFAULT 0,
  mismatches  bigint NOT NULL DEFAULT 0,
  done        boolean NOT NULL DEFAULT false,
  lease_owner text,
  lease_until timestamptz
);
