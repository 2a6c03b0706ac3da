#!/bin/sh
# Run once by the postgres image, when it creates its data directory: the login role that the bot
# replicas use. It owns nothing; `brandbot db migrate` (the compose service `migrate`, as the
# owner) grants it what the app needs, and INSERT and SELECT only on the audit log.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set app_password="$BRANDBOT_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE brandbot_app LOGIN PASSWORD :'app_password';
SQL
