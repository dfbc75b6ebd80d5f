package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every POSIX class at the edges of what it holds, ranges at their ends, and a glob's text. */
class GlobClassesTest {

    /** The characters of {@code members} match {@code [class]}, those of {@code others} do not. */
    private static void holds(String cls, String members, String others) {
        Glob glob = new Glob("[" + cls + "]");
        members.codePoints().forEach(c -> assertTrue(glob.matches(Character.toString(c)),
                cls + " holds U+" + Integer.toHexString(c)));
        others.codePoints().forEach(c -> assertFalse(glob.matches(Character.toString(c)),
                cls + " does not hold U+" + Integer.toHexString(c)));
    }

    @Test
    void eachClassHoldsItsCharactersAndNoOthers() {
        holds("[:alnum:]", "09azAZ", "/:`{@[ _");
        holds("[:alpha:]", "azAZ", "09`{@[");
        holds("[:blank:]", "\t ", "\n_");
        holds("[:cntrl:]", "\u0000\u001f\u007f", " ~\u0080");
        holds("[:digit:]", "09", "/:a");
        holds("[:graph:]", "!~", " \u007f");
        holds("[:lower:]", "az", "`{A");
        holds("[:print:]", " ~", "\u001f\u007f");
        holds("[:punct:]", "!-/:@[`{~", "a0 ._");
        holds("[:space:]", "\t\n\u000b\f\r ", "a\u0000");
        holds("[:upper:]", "AZ", "@[a");
        holds("[:xdigit:]", "09afAF", "gG/:`@");
    }

    @Test
    void aRangeHoldsBothEnds() {
        Glob glob = new Glob("[b-d]");
        assertTrue(glob.matches("b"));
        assertTrue(glob.matches("d"));
        assertFalse(glob.matches("a"));
        assertFalse(glob.matches("e"));
    }

    @Test
    void aDashBeforeTheLastCharacterMakesARangeOfIt() {
        assertTrue(new Glob("[a-c]").matches("b"));
        assertTrue(new Glob("[xa-]").matches("-"));
        assertFalse(new Glob("[xa-]").matches("b"));
    }

    @Test
    void anUnknownOrUnclosedClassIsExplained() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new Glob("[[:nope:]]"));
        assertTrue(unknown.getMessage().contains("'[:nope:]'"), unknown.getMessage());
        IllegalArgumentException unclosed = assertThrows(IllegalArgumentException.class, () -> new Glob("[\\[:x]"));
        assertTrue(unclosed.getMessage().contains("unknown class '[:x'"), unclosed.getMessage());
    }

    @Test
    void aGlobPrintsAsItsPattern() {
        assertEquals("orders_*", new Glob("orders_*").toString());
    }
}
