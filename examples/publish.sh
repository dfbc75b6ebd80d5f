#!/usr/bin/env bash
# A psql publisher: COUNT notifications on CHANNEL, one every INTERVAL seconds, each payload a small JSON object.
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test examples/publish.sh people [COUNT=10] [INTERVAL=1]
# Each is its own transaction, as a trigger's NOTIFY would be: it is delivered when it commits.
set -euo pipefail
channel="${1:?usage: publish.sh CHANNEL [COUNT] [INTERVAL]}"
count="${2:-10}"
interval="${3:-1}"
database="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
for n in $(seq 1 "$count"); do
    psql "$database" -X -q -o /dev/null -v ON_ERROR_STOP=1 -v channel="$channel" -v n="$n" <<'SQL'
SELECT pg_notify(:'channel', json_build_object('n', :n::int, 'at', now())::text);
SQL
    [ "$n" -eq "$count" ] || sleep "$interval"
done
