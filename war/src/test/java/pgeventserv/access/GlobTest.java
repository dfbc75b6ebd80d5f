package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Channel patterns mean what they meant in the original's Channels, which matches them with github.com/komem3/glob. */
class GlobTest {

    @Test
    void starMatchesAnyRunIncludingNone() {
        Glob glob = new Glob("people*");
        assertTrue(glob.matches("people"));
        assertTrue(glob.matches("people_changes.v2"));
        assertFalse(glob.matches("the_people"));
        assertTrue(new Glob("*").matches(""));
        assertTrue(new Glob("a*b*c").matches("aXbYbZc"));
        assertFalse(new Glob("a*b*c").matches("aXbYbZ"));
    }

    /** No notion of a path: unlike Go's path.Match, * and ? cross a slash. */
    @Test
    void starAndQuestionMarkMatchSlash() {
        assertTrue(new Glob("orders/*").matches("orders/eu/paris"));
        assertTrue(new Glob("a?b").matches("a/b"));
        assertTrue(new Glob("*").matches("a/b/c"));
    }

    @Test
    void starsInARowAreOneStar() {
        assertTrue(new Glob("a**b").matches("ab"));
        assertTrue(new Glob("a**b").matches("a/x/b"));
    }

    @Test
    void matchIsAnchoredAtBothEnds() {
        assertFalse(new Glob("people").matches("people2"));
        assertFalse(new Glob("people").matches("xpeople"));
        assertTrue(new Glob("").matches(""));
        assertFalse(new Glob("").matches("a"));
    }

    @Test
    void matchIsCaseSensitive() {
        assertFalse(new Glob("people").matches("People"));
        assertFalse(new Glob("[a-z]").matches("A"));
    }

    @Test
    void questionMarkMatchesExactlyOneCharacterACodePoint() {
        Glob glob = new Glob("ch?");
        assertTrue(glob.matches("ch1"));
        assertTrue(glob.matches("chü"));
        assertTrue(glob.matches("ch😀"), "one code point, though two Java chars");
        assertFalse(glob.matches("ch"));
        assertFalse(glob.matches("ch12"));
    }

    @Test
    void setsRangesAndCaretNegation() {
        assertTrue(new Glob("ch[0-9]").matches("ch7"));
        assertFalse(new Glob("ch[0-9]").matches("cha"));
        assertTrue(new Glob("ch[^0-9]").matches("cha"));
        assertFalse(new Glob("ch[^0-9]").matches("ch7"));
        assertTrue(new Glob("[.]x").matches(".x"));
        assertTrue(new Glob("[abc]").matches("b"));
        assertTrue(new Glob("[a-]").matches("-"), "a dash with nothing after it is a character");
        assertTrue(new Glob("[^]").matches("x"), "a negated empty set matches anything");
    }

    /** Unlike path.Match and shells, '!' does not negate a set there: it is one of its characters. */
    @Test
    void exclamationMarkInASetIsACharacterNotANegation() {
        assertTrue(new Glob("ch[!0-9]").matches("ch!"));
        assertTrue(new Glob("ch[!0-9]").matches("ch7"));
        assertFalse(new Glob("ch[!0-9]").matches("cha"));
    }

    @Test
    void posixClassesInsideASet() {
        assertTrue(new Glob("[[:alpha:]]*").matches("x1"));
        assertFalse(new Glob("[[:alpha:]]*").matches("1x"));
        assertTrue(new Glob("v[[:digit:][:lower:]]").matches("v7"));
        assertTrue(new Glob("v[[:digit:][:lower:]]").matches("vq"));
        assertFalse(new Glob("v[[:digit:][:lower:]]").matches("vQ"));
        assertTrue(new Glob("[[:xdigit:]]").matches("F"));
        assertTrue(new Glob("[[:space:]]").matches("\t"));
    }

    /** That library lists nine characters for [:punct:] (its ranges were written as single characters): kept so. */
    @Test
    void punctClassIsTheLibrarysNineCharacters() {
        for (String c : new String[] {"!", "-", "/", ":", "@", "[", "`", "{", "~"}) {
            assertTrue(new Glob("[[:punct:]]").matches(c), c);
        }
        assertFalse(new Glob("[[:punct:]]").matches("."));
        assertFalse(new Glob("[[:punct:]]").matches("#"));
    }

    @Test
    void regexMetacharactersAreLiteral() {
        assertTrue(new Glob("a.b+c").matches("a.b+c"));
        assertFalse(new Glob("a.b").matches("axb"));
        assertTrue(new Glob("(x)|y").matches("(x)|y"));
        assertTrue(new Glob("$^{1}").matches("$^{1}"));
    }

    @Test
    void backslashEscapesTheNextCharacterOutsideASet() {
        assertTrue(new Glob("a\\*").matches("a*"));
        assertFalse(new Glob("a\\*").matches("ab"));
        assertTrue(new Glob("\\?\\[").matches("?["));
        assertTrue(new Glob("a\\\\b").matches("a\\b"));
    }

    @Test
    void aTrailingLoneBackslashIsIgnored() {
        assertTrue(new Glob("abc\\").matches("abc"));
        assertFalse(new Glob("abc\\").matches("abc\\"));
    }

    /** Inside a set a backslash is one of its characters; it only keeps the next ']' from closing the set. */
    @Test
    void backslashInASetIsACharacter() {
        assertTrue(new Glob("[\\d]").matches("d"));
        assertTrue(new Glob("[\\d]").matches("\\"));
        assertFalse(new Glob("[\\d]").matches("5"));
        assertTrue(new Glob("[\\]]").matches("]"));
        assertTrue(new Glob("[\\]]").matches("\\"));
    }

    @Test
    void malformedPatternsAreRefusedWithTheirText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Glob("ch[0-9"));
        assertTrue(e.getMessage().contains("ch[0-9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Glob("ch[]"));
        assertThrows(IllegalArgumentException.class, () -> new Glob("[[:nosuch:]]"));
        assertThrows(IllegalArgumentException.class, () -> new Glob("[a[b]"));
    }

    /** The library takes U+FFFD for the end of the name and would match "a" against "a\uFFFDb"; we do not. */
    @Test
    void aReplacementCharacterIsAnOrdinaryCharacter() {
        assertFalse(new Glob("a").matches("a\uFFFDb"));
        assertTrue(new Glob("a?b").matches("a\uFFFDb"));
    }
}
