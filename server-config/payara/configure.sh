#!/usr/bin/env bash
# Gives a running Payara Server domain what pg_eventserv needs: the PostgreSQL driver, the connection pool,
# the JDBC resource jdbc/eventserv the WAR's resource reference binds to, and the allow-list as a
# MicroProfile Config property. README.md beside it lists the same steps as asadmin commands and in the console.
#
#   ASADMIN="/opt/payara6/bin/asadmin --port 4848" DRIVER_JAR=postgresql.jar \
#   DB_HOST=localhost DB_PORT=5432 DB_NAME=app DB_USER=app DB_PASSWORD=secret CHANNELS='people orders_*' \
#   server-config/payara/configure.sh
set -euo pipefail

: "${ASADMIN:?set ASADMIN to the asadmin command, e.g. /opt/payara6/bin/asadmin --port 4848}"
: "${DRIVER_JAR:?set DRIVER_JAR to the PostgreSQL JDBC driver jar}"
CHANNELS="${CHANNELS:-*}"
export POOL="${POOL:-eventserv-pool}"

# The driver goes on the domain's common class path: the pool and the application share its classes.
$ASADMIN --interactive=false add-library "$DRIVER_JAR"

"$(dirname "$0")/create-pool.sh"
$ASADMIN --interactive=false create-jdbc-resource --connectionpoolid "$POOL" jdbc/eventserv

# Any key of docs/configuration.md's table is a MicroProfile Config property; a list (Channels) is comma separated.
$ASADMIN --interactive=false set-config-property --source=domain --propertyName=Channels --propertyValue="${CHANNELS// /,}"
