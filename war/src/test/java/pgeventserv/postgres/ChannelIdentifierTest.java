package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ChannelIdentifierTest {

    @Test
    void nameIsQuotedSoCaseIsKept() throws SQLException {
        assertEquals("LISTEN \"People\"", ChannelIdentifier.listen("People"));
        assertEquals("UNLISTEN \"People\"", ChannelIdentifier.unlisten("People"));
    }

    @Test
    void embeddedQuotesAreDoubledSoNothingCanBeInjected() throws SQLException {
        assertEquals("LISTEN \"x\"\"; DROP TABLE people; --\"", ChannelIdentifier.listen("x\"; DROP TABLE people; --"));
    }

    @Test
    void spacesDotsAndUnicodeStayInsideTheIdentifier() throws SQLException {
        assertEquals("\"a b.c ü日\"", ChannelIdentifier.quote("a b.c ü日"));
    }

    @Test
    void nulIsRefusedAsPgjdbcDoes() {
        assertThrows(SQLException.class, () -> ChannelIdentifier.quote("a\0b"));
    }
}
