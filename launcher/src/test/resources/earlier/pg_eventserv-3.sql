-- pg_eventserv durable events: the schema pg_eventserv, its events table and pg_eventserv.publish().
--
-- Install or upgrade, in one transaction (re-running it changes nothing):
--   java -jar pg_eventserv.jar --install-sql        (the configured database, no psql needed)
--   psql --single-transaction -v ON_ERROR_STOP=1 -f pg_eventserv.sql "$DATABASE_URL"
-- Needs a superuser: PostgreSQL reserves names starting with pg_ for system schemas, and only a superuser may
-- create one (allow_system_table_mods, for this transaction only). Also creates the role eventserv_relay.
--
-- Publish from application code or a trigger, in the sender's own transaction:
--   SELECT pg_eventserv.publish('orders', '{"id": 42}');            -- text
--   SELECT pg_eventserv.publish('orders', to_jsonb(NEW));           -- jsonb
-- The event is a row; when the transaction commits it gets its position (commit order) and one NOTIFY per
-- channel tells every pg_eventserv instance which positions to read:
--   channel: the event's channel
--   payload: E'\x1e' || 'pg_eventserv durable ' || first || '-' || last
-- (U+001E RECORD SEPARATOR, then the first and last position that transaction gave events of that channel).
--
-- Upgrades: each numbered step below runs once; pg_eventserv.installed records the steps applied.

SET LOCAL client_min_messages = warning;

DO $superuser$
BEGIN
    PERFORM set_config('allow_system_table_mods', 'on', true);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'pg_eventserv: installing the schema pg_eventserv needs a superuser, not %', current_user
        USING HINT = 'PostgreSQL reserves schema names beginning with pg_; only a superuser may create one';
END
$superuser$;

-- One installer at a time: key (0x70657673 'pevs', 3). Key 1 orders commits, key 2 is the retention delete.
SELECT pg_advisory_xact_lock(1885697651, 3);

CREATE SCHEMA IF NOT EXISTS pg_eventserv;

CREATE TABLE IF NOT EXISTS pg_eventserv.installed (
    version integer PRIMARY KEY,
    time timestamptz NOT NULL DEFAULT now()
);

DO $check$
DECLARE
    script constant integer := 3;
    installed integer := (SELECT coalesce(max(version), 0) FROM pg_eventserv.installed);
BEGIN
    IF installed > script THEN
        RAISE EXCEPTION 'pg_eventserv: the database has version % of the schema pg_eventserv, this script only %', installed, script
            USING HINT = 'use the pg_eventserv.sql of the newer pg_eventserv (pg_eventserv --print-sql)';
    END IF;
END
$check$;

-- Step 1: the events table, publish() and the commit-time trigger.
DO $step1$
BEGIN
    IF EXISTS (SELECT FROM pg_eventserv.installed WHERE version = 1) THEN
        RETURN;
    END IF;

    -- Settings the SQL side reads. The server's own setting of the same name is written here by --install-sql.
    CREATE TABLE pg_eventserv.settings (
        name text PRIMARY KEY,
        value text NOT NULL
    );
    INSERT INTO pg_eventserv.settings (name, value) VALUES ('DurableMaxPayloadBytes', '1048576');

    -- position is NULL until the sending transaction commits; entry keeps the order of publish() calls
    -- within it, xid finds that transaction's rows at commit.
    CREATE TABLE pg_eventserv.events (
        entry bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        position bigint UNIQUE,
        channel text NOT NULL,
        payload text NOT NULL,
        time timestamptz NOT NULL DEFAULT now(),
        xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    );
    CREATE INDEX events_pending ON pg_eventserv.events (xid) WHERE position IS NULL;
    -- Times follow positions (both are given under one lock at commit): a BRIN index is enough to find the old ones.
    CREATE INDEX events_time ON pg_eventserv.events USING brin (time);
    CREATE SEQUENCE pg_eventserv.positions AS bigint;

    CREATE FUNCTION pg_eventserv.publish(channel text, payload text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $publish$
    DECLARE
        payload_bytes integer := coalesce(octet_length(payload), 0);
        max_bytes bigint;
    BEGIN
        IF channel IS NULL THEN
            RAISE EXCEPTION 'pg_eventserv.publish: channel is NULL' USING ERRCODE = 'null_value_not_allowed';
        END IF;
        IF channel = '' THEN
            RAISE EXCEPTION 'pg_eventserv.publish: channel is empty' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF octet_length(channel) > 63 THEN
            RAISE EXCEPTION 'pg_eventserv.publish: channel "%" is % bytes long, the limit is 63 (a NOTIFY channel name)',
                channel, octet_length(channel) USING ERRCODE = 'name_too_long';
        END IF;
        SELECT s.value::bigint INTO max_bytes FROM pg_eventserv.settings s WHERE s.name = 'DurableMaxPayloadBytes';
        IF payload_bytes > max_bytes THEN
            RAISE EXCEPTION 'pg_eventserv.publish: payload of % bytes on channel "%" is over the limit of % bytes',
                payload_bytes, channel, max_bytes
                USING ERRCODE = 'program_limit_exceeded',
                      HINT = 'the limit is DurableMaxPayloadBytes in the table pg_eventserv.settings';
        END IF;
        INSERT INTO pg_eventserv.events (channel, payload) VALUES (channel, coalesce(payload, ''));
    END
    $publish$;

    CREATE FUNCTION pg_eventserv.publish(channel text, payload jsonb) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $publish_jsonb$
        SELECT pg_eventserv.publish(channel, payload::text)
    $publish_jsonb$;

    -- Runs at COMMIT (deferred), once per row; the first run of a transaction does the work for all its rows,
    -- the others find their row done (one primary key lookup). The advisory lock is held until the commit is
    -- over, so transactions take positions and queue their NOTIFYs one at a time, in the order they commit:
    -- a reader that sees position n sees every smaller one.
    CREATE FUNCTION pg_eventserv.assign_positions() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $assign$
    DECLARE
        me xid8 := pg_current_xact_id();
        low_position bigint;
        assigned bigint;
        committed_at timestamptz;
        reference record;
    BEGIN
        IF (SELECT e.position FROM pg_eventserv.events e WHERE e.entry = NEW.entry) IS NOT NULL THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(1885697651, 1);
        low_position := nextval('pg_eventserv.positions');
        committed_at := clock_timestamp();
        UPDATE pg_eventserv.events e
           SET position = low_position + p.n - 1, time = committed_at
          FROM (SELECT pending.entry, row_number() OVER (ORDER BY pending.entry) AS n
                  FROM pg_eventserv.events pending
                 WHERE pending.xid = me AND pending.position IS NULL) p
         WHERE e.entry = p.entry;
        GET DIAGNOSTICS assigned = ROW_COUNT;
        IF assigned = 0 THEN
            RETURN NULL;
        ELSIF assigned > 1 THEN
            PERFORM setval('pg_eventserv.positions', low_position + assigned - 1);
        END IF;
        FOR reference IN
            SELECT e.channel, min(e.position) AS low, max(e.position) AS high
              FROM pg_eventserv.events e
             WHERE e.position BETWEEN low_position AND low_position + assigned - 1
             GROUP BY e.channel
             ORDER BY low
        LOOP
            PERFORM pg_notify(reference.channel, E'\x1e' || 'pg_eventserv durable ' || reference.low || '-' || reference.high);
        END LOOP;
        RETURN NULL;
    END
    $assign$;

    CREATE CONSTRAINT TRIGGER assign_positions AFTER INSERT ON pg_eventserv.events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_eventserv.assign_positions();

    -- The relay reads and deletes, nothing else: GRANT eventserv_relay TO the server's database user.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventserv_relay') THEN
        CREATE ROLE eventserv_relay NOLOGIN;
    END IF;
    GRANT USAGE ON SCHEMA pg_eventserv TO eventserv_relay;
    GRANT SELECT, DELETE ON pg_eventserv.events TO eventserv_relay;
    GRANT SELECT ON pg_eventserv.settings, pg_eventserv.installed TO eventserv_relay;
    -- Publishing is open to every role, as NOTIFY is; REVOKE EXECUTE ... FROM PUBLIC to narrow it.
    GRANT USAGE ON SCHEMA pg_eventserv TO PUBLIC;
    REVOKE EXECUTE ON FUNCTION pg_eventserv.assign_positions() FROM PUBLIC;

    INSERT INTO pg_eventserv.installed (version) VALUES (1);
END
$step1$;

-- Step 2: an index for resumes, which read a few channels out of many over a range of positions.
DO $step2$
BEGIN
    IF EXISTS (SELECT FROM pg_eventserv.installed WHERE version = 2) THEN
        RETURN;
    END IF;
    CREATE INDEX events_channel ON pg_eventserv.events (channel, position);
    INSERT INTO pg_eventserv.installed (version) VALUES (2);
END
$step2$;

-- Step 3: each row records the session that committed it, so the relay can tell a true hint from a forged one:
-- NOTIFY carries the sending session's process id, and only the session that committed the rows sends their hint.
DO $step3$
BEGIN
    IF EXISTS (SELECT FROM pg_eventserv.installed WHERE version = 3) THEN
        RETURN;
    END IF;
    ALTER TABLE pg_eventserv.events ADD COLUMN sender integer;

    CREATE OR REPLACE FUNCTION pg_eventserv.assign_positions() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $assign$
    DECLARE
        me xid8 := pg_current_xact_id();
        low_position bigint;
        assigned bigint;
        committed_at timestamptz;
        reference record;
    BEGIN
        IF (SELECT e.position FROM pg_eventserv.events e WHERE e.entry = NEW.entry) IS NOT NULL THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(1885697651, 1);
        low_position := nextval('pg_eventserv.positions');
        committed_at := clock_timestamp();
        UPDATE pg_eventserv.events e
           SET position = low_position + p.n - 1, time = committed_at, sender = pg_backend_pid()
          FROM (SELECT pending.entry, row_number() OVER (ORDER BY pending.entry) AS n
                  FROM pg_eventserv.events pending
                 WHERE pending.xid = me AND pending.position IS NULL) p
         WHERE e.entry = p.entry;
        GET DIAGNOSTICS assigned = ROW_COUNT;
        IF assigned = 0 THEN
            RETURN NULL;
        ELSIF assigned > 1 THEN
            PERFORM setval('pg_eventserv.positions', low_position + assigned - 1);
        END IF;
        FOR reference IN
            SELECT e.channel, min(e.position) AS low, max(e.position) AS high
              FROM pg_eventserv.events e
             WHERE e.position BETWEEN low_position AND low_position + assigned - 1
             GROUP BY e.channel
             ORDER BY low
        LOOP
            PERFORM pg_notify(reference.channel, E'\x1e' || 'pg_eventserv durable ' || reference.low || '-' || reference.high);
        END LOOP;
        RETURN NULL;
    END
    $assign$;
    REVOKE EXECUTE ON FUNCTION pg_eventserv.assign_positions() FROM PUBLIC;

    INSERT INTO pg_eventserv.installed (version) VALUES (3);
END
$step3$;
