package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelNameTest {

    @Test
    void percentEscapesAreDecodedAsUtf8() {
        assertEquals("with space", ChannelName.fromPathSegment("with%20space"));
        assertEquals("ünï日本", ChannelName.fromPathSegment("%C3%BCn%C3%AF%E6%97%A5%E6%9C%AC"));
        assertEquals("a\"b'c", ChannelName.fromPathSegment("a%22b'c"));
    }

    @Test
    void plusStaysAPlusInAPath() {
        assertEquals("a+b", ChannelName.fromPathSegment("a+b"));
    }

    @Test
    void caseIsKept() {
        assertEquals("People", ChannelName.fromPathSegment("People"));
    }

    @Test
    void emptyNameIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment(""))
                .getMessage().contains("empty"));
    }

    @Test
    void nulIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment("a%00b"))
                .getMessage().contains("NUL"));
    }

    @Test
    void sixtyThreeBytesIsTheLimitCountedInUtf8() {
        assertEquals(63, ChannelName.fromPathSegment("x".repeat(63)).length());
        assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment("x".repeat(64)));
        // 21 three-byte characters are 63 bytes; one more two-byte character passes the limit.
        String cjk = "日".repeat(21);
        assertEquals(cjk, ChannelName.fromPathSegment(cjk));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelName.fromPathSegment(cjk + "ü"));
        assertTrue(e.getMessage().contains("65 bytes"), e.getMessage());
    }

    @Test
    void brokenEscapesAndInvalidUtf8AreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment("abc%2"));
        assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment("abc%zz"));
        assertThrows(IllegalArgumentException.class, () -> ChannelName.fromPathSegment("%C3"));
    }
}
