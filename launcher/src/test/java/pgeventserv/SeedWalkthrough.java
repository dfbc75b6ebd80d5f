package pgeventserv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;

/**
 * The original README's walkthrough: a {@code people} table whose trigger sends each new or changed row as
 * JSON, then a trigger that speaks only for tall people. Run in a schema of its own, named as the channel.
 */
public final class SeedWalkthrough {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(750);

    private SeedWalkthrough() {
    }

    /** @param channel a lower-case name no one else uses; {@code client} already listens on it */
    public static void run(TestDatabase db, String channel, WebSocketClient client) throws Exception {
        String schema = channel;
        try {
            db.execute("CREATE SCHEMA " + schema);
            db.execute("SET search_path TO " + schema);
            db.execute("""
                    CREATE TABLE people (
                        pk serial primary key,
                        ts timestamptz DEFAULT now(),
                        name text,
                        age integer,
                        height real
                    )""");
            db.execute("""
                    CREATE OR REPLACE FUNCTION data_change() RETURNS trigger AS
                    $$
                    DECLARE
                        js jsonb;
                    BEGIN
                        SELECT to_jsonb(NEW.*) INTO js;
                        js := jsonb_set(js, '{dml_action}', to_jsonb(TG_OP));
                        PERFORM (
                            SELECT pg_notify('%s', js::text)
                        );
                        RETURN NEW;
                    END;
                    $$ LANGUAGE 'plpgsql'""".formatted(channel));
            db.execute("DROP TRIGGER IF EXISTS data_change_trigger ON people");
            db.execute("""
                    CREATE TRIGGER data_change_trigger
                        BEFORE INSERT OR UPDATE ON people
                        FOR EACH ROW
                        EXECUTE FUNCTION data_change()""");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Paul', 51, 1.9)");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Colin', 65, 1.5)");

            List<String> inserts = client.take(2, WAIT);
            assertEquals(2, inserts.size(), "both inserts arrive");
            assertEquals("Paul", json(inserts.get(0)).getString("name"));
            assertEquals("INSERT", json(inserts.get(0)).getString("dml_action"));
            assertEquals("Colin", json(inserts.get(1)).getString("name"));
            assertEquals("INSERT", json(inserts.get(1)).getString("dml_action"));

            db.execute("""
                    CREATE OR REPLACE FUNCTION data_change() RETURNS trigger AS
                    $$
                    DECLARE
                        js jsonb;
                    BEGIN
                        IF NEW.height >= 2.0
                        THEN
                            SELECT to_jsonb(NEW.*) INTO js;
                            PERFORM (
                                SELECT pg_notify('%s', js::text)
                            );
                        END IF;
                        RETURN NEW;
                    END;
                    $$ LANGUAGE 'plpgsql'""".formatted(channel));
            db.execute("UPDATE people SET name = 'Shorty', height = 1.5 WHERE age = 51");
            db.execute("UPDATE people SET name = 'Bozo', height = 2.1 WHERE age = 51");
            db.execute("INSERT INTO people (name, age, height) VALUES ('Stretch', 33, 2.8)");

            List<String> tall = client.take(2, WAIT);
            assertEquals(2, tall.size(), "Bozo and Stretch pass the filter");
            assertEquals("Bozo", json(tall.get(0)).getString("name"));
            assertEquals("Stretch", json(tall.get(1)).getString("name"));
            assertNull(client.next(QUIET), "Shorty does not pass the filter");
        } finally {
            db.execute("RESET search_path");
            db.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
