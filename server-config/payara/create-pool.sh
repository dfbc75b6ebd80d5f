#!/usr/bin/env bash
# Creates a PostgreSQL connection pool in a running Payara Server domain (configure.sh uses it; so does a
# rebind of jdbc/eventserv to another database, README.md beside it).
#   ASADMIN="/opt/payara6/bin/asadmin --port 4848" POOL=eventserv-pool \
#   DB_HOST=localhost DB_PORT=5432 DB_NAME=app DB_USER=app DB_PASSWORD=secret server-config/payara/create-pool.sh
set -euo pipefail

: "${ASADMIN:?set ASADMIN to the asadmin command, e.g. /opt/payara6/bin/asadmin --port 4848}"
: "${DB_NAME:?set DB_NAME}" "${DB_USER:?set DB_USER}"
DB_HOST="${DB_HOST:-localhost}" DB_PORT="${DB_PORT:-5432}" DB_PASSWORD="${DB_PASSWORD:-}" POOL="${POOL:-eventserv-pool}"

# asadmin's --property syntax: ':' separates properties, '=' key from value; both are escaped in values.
# Payara's pool needs a password property even where the database trusts the client: empty is "".
property() {
    local value="${2//\\/\\\\}"
    value="${value//:/\\:}"; value="${value//=/\\=}"
    printf '%s=%s' "$1" "${value:-\"\"}"
}

# One connection of the pool is held for LISTEN for the server's life; the pool's maximum is DbPoolMaxConns.
# socketTimeout (seconds): Payara's pool makes a round trip on a connection as it hands it out, before pg_eventserv
# can bound the wait; after a silent network cut that read would otherwise hang the LISTEN reconnect for minutes.
$ASADMIN --interactive=false create-jdbc-connection-pool \
    --datasourceclassname org.postgresql.ds.PGSimpleDataSource --restype javax.sql.DataSource \
    --steadypoolsize 1 --maxpoolsize 4 \
    --property "$(property serverName "$DB_HOST"):$(property portNumber "$DB_PORT"):$(property databaseName "$DB_NAME"):$(property user "$DB_USER"):$(property password "$DB_PASSWORD"):socketTimeout=10" \
    "$POOL"
$ASADMIN --interactive=false ping-connection-pool "$POOL"
