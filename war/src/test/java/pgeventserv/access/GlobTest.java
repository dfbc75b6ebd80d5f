package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starMatchesAnyRunIncludingNone() {
        Glob glob = new Glob("people*");
        assertTrue(glob.matches("people"));
        assertTrue(glob.matches("people_changes.v2"));
        assertFalse(glob.matches("the_people"));
    }

    @Test
    void matchIsAnchoredAtBothEnds() {
        assertFalse(new Glob("people").matches("people2"));
        assertFalse(new Glob("people").matches("xpeople"));
    }

    @Test
    void matchIsCaseSensitive() {
        assertFalse(new Glob("people").matches("People"));
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        Glob glob = new Glob("ch?");
        assertTrue(glob.matches("ch1"));
        assertTrue(glob.matches("chü"));
        assertFalse(glob.matches("ch"));
        assertFalse(glob.matches("ch12"));
    }

    @Test
    void classesRangesAndNegation() {
        assertTrue(new Glob("ch[0-9]").matches("ch7"));
        assertFalse(new Glob("ch[0-9]").matches("cha"));
        assertTrue(new Glob("ch[!0-9]").matches("cha"));
        assertFalse(new Glob("ch[^0-9]").matches("ch7"));
        assertTrue(new Glob("[.]x").matches(".x"));
    }

    @Test
    void regexMetacharactersAreLiteral() {
        assertTrue(new Glob("a.b+c").matches("a.b+c"));
        assertFalse(new Glob("a.b").matches("axb"));
        assertTrue(new Glob("(x)|y").matches("(x)|y"));
    }

    @Test
    void backslashEscapesTheNextCharacter() {
        assertTrue(new Glob("a\\*").matches("a*"));
        assertFalse(new Glob("a\\*").matches("ab"));
        assertTrue(new Glob("[\\d]").matches("d"));
        assertFalse(new Glob("[\\d]").matches("5"));
    }

    @Test
    void malformedPatternsAreRefusedWithTheirText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Glob("ch[0-9"));
        assertTrue(e.getMessage().contains("ch[0-9"));
        assertThrows(IllegalArgumentException.class, () -> new Glob("trailing\\"));
    }
}
