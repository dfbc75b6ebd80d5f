package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DurableReferenceTest {

    @Test
    void theSchemasReferencePayloadIsParsed() {
        assertEquals(Optional.of(new DurableReference(1, 3)), DurableReference.parse("\u001Epg_eventserv durable 1-3"));
        assertEquals(Optional.of(new DurableReference(42, 42)), DurableReference.parse("\u001Epg_eventserv durable 42-42"));
    }

    @Test
    void aReferenceWritesThePayloadItIsParsedFrom() {
        DurableReference reference = new DurableReference(7, 900_000_000_000L);
        assertEquals(Optional.of(reference), DurableReference.parse(reference.payload()));
    }

    @Test
    void plainPayloadsAreNoReference() {
        for (String plain : new String[] {"", "hello", "{\"a\":1}", "pg_eventserv durable 1-3", "\u001E",
                "\u001Epg_eventserv durable ", "\u001Epg_eventserv durable 1", "\u001Epg_eventserv durable 1-",
                "\u001Epg_eventserv durable -3", "\u001Epg_eventserv durable 3-1", "\u001Epg_eventserv durable 0-1",
                "\u001Epg_eventserv durable 1-3 ", "\u001Epg_eventserv durable 1-x", "\u001Epg_eventserv durable +1-3",
                "\u001Epg_eventserv durable 1-9999999999999999999"}) {
            assertEquals(Optional.empty(), DurableReference.parse(plain), plain);
        }
    }
}
