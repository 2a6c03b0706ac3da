#!/bin/sh
# Run once by the postgres image, when it creates its data directory: the login role that the bot
# replicas use. It owns nothing and may create nothing; `brandbot db migrate` (the compose service
# `migrate`, as the owner) grants it what the app needs: the audit log it only reads, and appends
# to through the owner's `audit_append` function (docs/deploy.md, Database roles).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set app_password="$BRANDBOT_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE brandbot_app LOGIN PASSWORD :'app_password';
SQL
