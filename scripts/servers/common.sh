# Shared by scripts/servers/{payara,wildfly,liberty}: each downloads its server through Maven, configures it
# from server-config/<server>/, deploys target/pg_eventserv.war at the root context, runs the portable
# integration tests against it and stops it. Sourced, not run.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
servers="$root/target/servers"
# The integration tests that hold on any server: relay, seed walkthrough, HTTP surface (403, viewer), a burst
# of 1,000 fresh channels at once (BurstIT), a reconnect storm (ReconnectStormIT). ITS=BurstIT runs only that one.
portable_its="${ITS:-RelayIT,HttpSurfaceIT,BurstIT,ReconnectStormIT}"

say() { echo "[$server_name ${SECONDS}s] $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

for tool in mvn java curl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# The database the servers' datasources use: the integration tests' database.
database_url="${EVENTSERV_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"

# postgresql://[user[:password]@]host[:port]/database, percent-decoded. Sets db_user db_password db_host db_port db_name.
parse_database_url() {
    local url="$1" rest authority userinfo hostport
    [[ "$url" =~ ^postgres(ql)?:// ]] || die "not a postgresql:// URL: set EVENTSERV_TEST_DATABASE_URL"
    rest="${url#*://}"
    [[ "$rest" != *\?* ]] || die "URL options (?...) are not supported by the server scripts"
    authority="${rest%%/*}"
    db_name="${rest#"$authority"}"; db_name="${db_name#/}"
    userinfo=""; hostport="$authority"
    if [[ "$authority" == *@* ]]; then
        userinfo="${authority%@*}"; hostport="${authority##*@}"
    fi
    db_user="$(percent_decode "${userinfo%%:*}")"
    db_password=""
    [[ "$userinfo" != *:* ]] || db_password="$(percent_decode "${userinfo#*:}")"
    db_host="${hostport%%:*}"
    db_port="5432"
    [[ "$hostport" != *:* ]] || db_port="${hostport##*:}"
    db_user="${db_user:-postgres}"
    db_name="${db_name:-$db_user}"
}

maven() { mvn -B -Dstyle.color=never -f "$root/pom.xml" "$@"; }

percent_decode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }

# Builds the WAR (and the test classes) when anything is missing or older than the sources.
build() {
    if [ ! -f "$root/target/pg_eventserv.war" ] || [ ! -d "$root/launcher/target/test-classes" ] \
       || [ -n "$(find "$root"/{settings,war,launcher}/src "$root"/pom.xml "$root"/*/pom.xml -newer "$root/target/pg_eventserv.war" -print -quit)" ]; then
        say "building target/pg_eventserv.war"
        maven -q package -DskipTests
    fi
}

# Downloads a server distribution zip through Maven (cached in ~/.m2) and unpacks it, fresh, into $2,
# which must then hold $3
# (overWriteReleases: else the plugin skips an unpack that its marker in target/ says was done).
unpack() {
    local artifact="$1" into="$2" expected="$3"
    rm -rf "$into"
    mkdir -p "$into"
    say "fetching and unpacking $artifact"
    maven -q dependency:unpack -Dartifact="$artifact" -DoutputDirectory="$into" \
        -Dmdep.overWriteReleases=true
    [ -e "$into/$expected" ] || die "unpacking $artifact did not give $into/$expected"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random base port B such that B .. B+$1-1 are all free on loopback (other engineers run servers too).
# Below the kernel's ephemeral range (32768 and up here), where an outgoing connection could be holding the
# port without a listener to show it.
free_port_block() {
    local size="$1" base p attempt
    for attempt in $(seq 1 50); do
        base=$(( (RANDOM % 125) * 100 + 20000 ))
        for ((p = base; p < base + size; p++)); do
            if port_in_use "$p"; then continue 2; fi
        done
        echo "$base"
        return
    done
    die "found no block of $size free ports"
}

# Waits (bounded) until the URL answers 200.
await_http_ok() {
    local url="$1" seconds="$2" deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)" = 200 ]; then
            return 0
        fi
        sleep 1
    done
    die "$url did not answer 200 within ${seconds}s"
}

# The status a WebSocket upgrade on /listen/$2 gets: 101, 403, ...
upgrade_status() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 3 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
        -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$1/listen/$2" || true
}

expect_upgrade() {
    local base="$1" channel="$2" want="$3" got
    got="$(upgrade_status "$base" "$channel")"
    [ "$got" = "$want" ] || die "upgrade on /listen/$channel answered $got, expected $want"
    say "upgrade on /listen/$channel: $got, as expected"
}

# Runs integration tests against the server at $1: $2 names them (default: the portable ones), $3 is the
# database the tests NOTIFY on (default: the one the server was configured with).
run_its() {
    local base="$1" tests="${2:-$portable_its}" database="${3:-$database_url}"
    say "running $tests against $base"
    # The integration tests live in the launcher module; the modules it depends on are built with it.
    maven -pl launcher -am package failsafe:integration-test failsafe:verify -Dtest=None \
        -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
        -Darquillian.launch=deployed-server -Dit.base.url="$base" -Dit.test="$tests" -Dtest.database.url="$database"
}

parse_database_url "$database_url"
mkdir -p "$servers"
