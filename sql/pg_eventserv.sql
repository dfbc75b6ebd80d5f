-- pg_eventserv durable events: the schema eventserv, its events table and eventserv.publish().
--
-- Install or upgrade as the database owner (no superuser needed), in one transaction (re-running it changes nothing):
--   java -jar pg_eventserv.jar --install-sql        (the configured database, no psql needed)
--   psql --single-transaction -v ON_ERROR_STOP=1 -f pg_eventserv.sql "$DATABASE_URL"
-- Needs PostgreSQL 13 or newer, CREATE on the database (its owner has it) and, to create the roles
-- eventserv_publisher and eventserv_relay, CREATEROLE; without it, grant the rights directly (README).
-- pg_eventserv --print-sql prints this script for the schema named by DurableSchema, when set.
--
-- Then, as the same owner:
--   GRANT eventserv_relay TO the_servers_user;       -- the server reads and deletes events, nothing else
--   GRANT eventserv_publisher TO the_apps_user;      -- may call publish(); PUBLIC may not
--
-- Publish from application code or a trigger, in the sender's own transaction:
--   SELECT eventserv.publish('orders', '{"id": 42}');                  -- text
--   SELECT eventserv.publish('orders', to_jsonb(NEW));                 -- jsonb
--   SELECT eventserv.publish('orders', '{"id": 42}', 'order-42');      -- at most once per key and channel
-- The event is a row; when the transaction commits it gets its position (commit order) and one NOTIFY per
-- channel tells every pg_eventserv instance which positions to read:
--   channel: the event's channel
--   payload: E'\x1e' || 'pg_eventserv durable ' || first || '-' || last
-- (U+001E RECORD SEPARATOR, then the first and last position that transaction gave events of that channel).
--
-- Upgrades: each numbered step below runs once; eventserv.installed records the steps applied. The functions are
-- replaced on every run. An earlier release's schema pg_eventserv is renamed to eventserv, every event kept.

SET LOCAL client_min_messages = warning;

DO $version$
BEGIN
    IF current_setting('server_version_num')::integer < 130000 THEN
        RAISE EXCEPTION 'pg_eventserv: durable events need PostgreSQL 13 or newer, this server is %',
            current_setting('server_version')
            USING HINT = 'they use the type xid8 and pg_current_xact_id(), new in PostgreSQL 13';
    END IF;
END
$version$;

-- One installer at a time: key (0x70657673 'pevs', 3). Key 1 orders commits, key 2 is the retention delete.
SELECT pg_advisory_xact_lock(1885697651, 3);

-- Upgrade from an earlier release, whose schema was pg_eventserv: renamed, tables, positions and events kept
-- (a rename needs no special setting, only ownership of the schema). Its functions are replaced below.
DO $rename$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'pg_eventserv') THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'eventserv') THEN
        RAISE EXCEPTION 'pg_eventserv: the database has both the schema eventserv and an earlier release''s pg_eventserv'
            USING HINT = 'keep the one holding your events: DROP SCHEMA ... CASCADE the other, then run this script again';
    END IF;
    ALTER SCHEMA pg_eventserv RENAME TO eventserv;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'pg_eventserv: the schema pg_eventserv of an earlier release belongs to %, not to %',
        (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'pg_eventserv'), current_user
        USING HINT = 'run this script once as that role (or a superuser) to rename it to eventserv';
END
$rename$;

CREATE SCHEMA IF NOT EXISTS eventserv;

CREATE TABLE IF NOT EXISTS eventserv.installed (
    version integer PRIMARY KEY,
    time timestamptz NOT NULL DEFAULT now()
);

DO $check$
DECLARE
    script constant integer := 4;
    installed integer := (SELECT coalesce(max(version), 0) FROM eventserv.installed);
BEGIN
    IF installed > script THEN
        RAISE EXCEPTION 'pg_eventserv: the database has version % of the schema eventserv, this script only %', installed, script
            USING HINT = 'use the pg_eventserv.sql of the newer pg_eventserv (pg_eventserv --print-sql)';
    END IF;
END
$check$;

-- The functions, replaced on every run (their rights and owner are kept). SECURITY DEFINER: callers need no right
-- on the tables, only EXECUTE; the search_path is pinned so no caller's schema can stand in for pg_catalog.

-- Stores the event; the position comes at commit. With a key: when the channel already has an event of that key
-- (until the retention deletes it), nothing is stored and the function returns that event's position (NULL while
-- its transaction, this one, has not committed). Two transactions publishing the same key at once: the second
-- waits for the first, then finds its event. Returns NULL when it stored the event.
CREATE OR REPLACE FUNCTION eventserv.publish(channel text, payload text, key text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $publish$
#variable_conflict use_column
DECLARE
    payload_bytes integer := coalesce(octet_length(publish.payload), 0);
    max_bytes bigint;
    first_position bigint;
BEGIN
    IF publish.channel IS NULL THEN
        RAISE EXCEPTION 'eventserv.publish: channel is NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF publish.channel = '' THEN
        RAISE EXCEPTION 'eventserv.publish: channel is empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF octet_length(publish.channel) > 63 THEN
        RAISE EXCEPTION 'eventserv.publish: channel "%" is % bytes long, the limit is 63 (a NOTIFY channel name)',
            publish.channel, octet_length(publish.channel) USING ERRCODE = 'name_too_long';
    END IF;
    SELECT s.value::bigint INTO max_bytes FROM eventserv.settings s WHERE s.name = 'DurableMaxPayloadBytes';
    IF payload_bytes > max_bytes THEN
        RAISE EXCEPTION 'eventserv.publish: payload of % bytes on channel "%" is over the limit of % bytes',
            payload_bytes, publish.channel, max_bytes
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = 'the limit is DurableMaxPayloadBytes in the table eventserv.settings';
    END IF;
    IF publish.key IS NULL THEN
        INSERT INTO eventserv.events (channel, payload) VALUES (publish.channel, coalesce(publish.payload, ''));
        RETURN NULL;
    END IF;
    INSERT INTO eventserv.events (channel, payload, key) VALUES (publish.channel, coalesce(publish.payload, ''), publish.key)
        ON CONFLICT (channel, key) WHERE key IS NOT NULL DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT e.position INTO first_position FROM eventserv.events e WHERE e.channel = publish.channel AND e.key = publish.key;
    RETURN first_position;
END
$publish$;

CREATE OR REPLACE FUNCTION eventserv.publish(channel text, payload jsonb, key text) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $publish_jsonb_key$
    SELECT eventserv.publish(channel, payload::text, key)
$publish_jsonb_key$;

CREATE OR REPLACE FUNCTION eventserv.publish(channel text, payload text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $publish_text$
BEGIN
    PERFORM eventserv.publish(channel, payload, NULL::text);
END
$publish_text$;

CREATE OR REPLACE FUNCTION eventserv.publish(channel text, payload jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $publish_jsonb$
BEGIN
    PERFORM eventserv.publish(channel, payload::text, NULL::text);
END
$publish_jsonb$;

-- Runs at COMMIT (deferred), once per row; the first run of a transaction does the work for all its rows,
-- the others find their row done (one primary key lookup). The advisory lock is held until the commit is
-- over, so transactions take positions and queue their NOTIFYs one at a time, in the order they commit:
-- a reader that sees position n sees every smaller one. Each row records the session that committed it, so the
-- relay can tell a true hint from a forged one: NOTIFY carries the sending session's process id, and only the
-- session that committed the rows sends their hint.
CREATE OR REPLACE FUNCTION eventserv.assign_positions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $assign$
DECLARE
    me xid8 := pg_current_xact_id();
    low_position bigint;
    assigned bigint;
    committed_at timestamptz;
    reference record;
BEGIN
    IF (SELECT e.position FROM eventserv.events e WHERE e.entry = NEW.entry) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(1885697651, 1);
    low_position := nextval('eventserv.positions');
    committed_at := clock_timestamp();
    UPDATE eventserv.events e
       SET position = low_position + p.n - 1, time = committed_at, sender = pg_backend_pid()
      FROM (SELECT pending.entry, row_number() OVER (ORDER BY pending.entry) AS n
              FROM eventserv.events pending
             WHERE pending.xid = me AND pending.position IS NULL) p
     WHERE e.entry = p.entry;
    GET DIAGNOSTICS assigned = ROW_COUNT;
    IF assigned = 0 THEN
        RETURN NULL;
    ELSIF assigned > 1 THEN
        PERFORM setval('eventserv.positions', low_position + assigned - 1);
    END IF;
    FOR reference IN
        SELECT e.channel, min(e.position) AS low, max(e.position) AS high
          FROM eventserv.events e
         WHERE e.position BETWEEN low_position AND low_position + assigned - 1
         GROUP BY e.channel
         ORDER BY low
    LOOP
        -- The prefix keeps the earlier releases' name: an instance not yet upgraded still reads the hint.
        PERFORM pg_notify(reference.channel, E'\x1e' || 'pg_eventserv durable ' || reference.low || '-' || reference.high);
    END LOOP;
    RETURN NULL;
END
$assign$;

-- Step 1: the events table and the commit-time trigger.
DO $step1$
BEGIN
    IF EXISTS (SELECT FROM eventserv.installed WHERE version = 1) THEN
        RETURN;
    END IF;

    -- Settings the SQL side reads. The server's own setting of the same name is written here by --install-sql.
    CREATE TABLE eventserv.settings (
        name text PRIMARY KEY,
        value text NOT NULL
    );
    INSERT INTO eventserv.settings (name, value) VALUES ('DurableMaxPayloadBytes', '1048576');

    -- position is NULL until the sending transaction commits; entry keeps the order of publish() calls
    -- within it, xid finds that transaction's rows at commit.
    CREATE TABLE eventserv.events (
        entry bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        position bigint UNIQUE,
        channel text NOT NULL,
        payload text NOT NULL,
        time timestamptz NOT NULL DEFAULT now(),
        xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    );
    CREATE INDEX events_pending ON eventserv.events (xid) WHERE position IS NULL;
    -- Times follow positions (both are given under one lock at commit): a BRIN index is enough to find the old ones.
    CREATE INDEX events_time ON eventserv.events USING brin (time);
    CREATE SEQUENCE eventserv.positions AS bigint;

    CREATE CONSTRAINT TRIGGER assign_positions AFTER INSERT ON eventserv.events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION eventserv.assign_positions();

    INSERT INTO eventserv.installed (version) VALUES (1);
END
$step1$;

-- Step 2: an index for resumes, which read a few channels out of many over a range of positions.
DO $step2$
BEGIN
    IF EXISTS (SELECT FROM eventserv.installed WHERE version = 2) THEN
        RETURN;
    END IF;
    CREATE INDEX events_channel ON eventserv.events (channel, position);
    INSERT INTO eventserv.installed (version) VALUES (2);
END
$step2$;

-- Step 3: each row records the session that committed it (assign_positions above).
DO $step3$
BEGIN
    IF EXISTS (SELECT FROM eventserv.installed WHERE version = 3) THEN
        RETURN;
    END IF;
    ALTER TABLE eventserv.events ADD COLUMN sender integer;
    INSERT INTO eventserv.installed (version) VALUES (3);
END
$step3$;

-- Step 4: the idempotency key of publish(channel, payload, key), one event per key and channel.
DO $step4$
BEGIN
    IF EXISTS (SELECT FROM eventserv.installed WHERE version = 4) THEN
        RETURN;
    END IF;
    ALTER TABLE eventserv.events ADD COLUMN key text;
    CREATE UNIQUE INDEX events_key ON eventserv.events (channel, key) WHERE key IS NOT NULL;
    INSERT INTO eventserv.installed (version) VALUES (4);
END
$step4$;

-- Rights, set again on every run. Nothing for PUBLIC (an earlier release let every role publish). The roles are
-- created when the installer may (CREATEROLE); without it, grant the same rights to your roles directly.
REVOKE ALL ON SCHEMA eventserv FROM PUBLIC;
REVOKE ALL ON FUNCTION eventserv.publish(text, text), eventserv.publish(text, jsonb), eventserv.publish(text, text, text),
    eventserv.publish(text, jsonb, text), eventserv.assign_positions() FROM PUBLIC;

DO $roles$
DECLARE
    may_create boolean := (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user);
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventserv_publisher') THEN
        IF may_create THEN
            CREATE ROLE eventserv_publisher NOLOGIN;
        ELSE
            RAISE WARNING 'pg_eventserv: % may not create the role eventserv_publisher (no CREATEROLE)', current_user
                USING HINT = 'grant publishers USAGE ON SCHEMA eventserv and EXECUTE ON the eventserv.publish functions directly';
        END IF;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventserv_publisher') THEN
        GRANT USAGE ON SCHEMA eventserv TO eventserv_publisher;
        GRANT EXECUTE ON FUNCTION eventserv.publish(text, text), eventserv.publish(text, jsonb),
            eventserv.publish(text, text, text), eventserv.publish(text, jsonb, text) TO eventserv_publisher;
    END IF;

    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventserv_relay') THEN
        IF may_create THEN
            CREATE ROLE eventserv_relay NOLOGIN;
        ELSE
            RAISE WARNING 'pg_eventserv: % may not create the role eventserv_relay (no CREATEROLE)', current_user
                USING HINT = 'grant the server''s user USAGE ON SCHEMA eventserv, SELECT, DELETE ON eventserv.events'
                             || ' and SELECT ON eventserv.settings, eventserv.installed directly';
        END IF;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'eventserv_relay') THEN
        -- The relay reads and deletes, nothing else.
        GRANT USAGE ON SCHEMA eventserv TO eventserv_relay;
        GRANT SELECT, DELETE ON eventserv.events TO eventserv_relay;
        GRANT SELECT ON eventserv.settings, eventserv.installed TO eventserv_relay;
    END IF;
END
$roles$;

DO $owner$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE WARNING 'pg_eventserv: installed by the superuser %, who owns the schema eventserv and runs its SECURITY DEFINER functions', current_user
            USING HINT = 'install as the database owner, a role without superuser, to keep those rights small';
    END IF;
END
$owner$;
