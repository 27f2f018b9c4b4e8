#!/bin/sh
# Creates (or upgrades) Temporal's two PostgreSQL databases with the server's own SQL tool, in the
# temporalio/admin-tools image of the same version as the server (docker-compose.yml's temporal-schema job):
# `temporal` (persistence) and `temporal_visibility` (SQL visibility), plugin postgres12 (PostgreSQL 12+).
# Safe to run again: an existing database is kept and only newer schema versions are applied.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
SCHEMA="${TEMPORAL_HOME:-/etc/temporal}/schema/postgresql/v12"

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }

for db in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  name="${db%%:*}"
  dir="$SCHEMA/${db##*:}/versioned"
  echo "database $name: schema from $dir"
  sql --db "$name" create || echo "database $name: not created (it exists already, or see the error above)"
  sql --db "$name" setup-schema -v 0.0
  sql --db "$name" update-schema -d "$dir"
done
echo "Temporal schema is up to date"
