package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** like patterns, short (one machine word of state) and long (several), against regular expressions. */
class LikePatternTest {

    private static boolean matches(String pattern, String text) {
        LikePattern like = new LikePattern(pattern);
        char[] chars = text.toCharArray();
        return like.matches(chars, 0, chars.length, new long[like.scratchWords()]);
    }

    @Test
    void wildcardsEscapesAndAnchoring() {
        assertTrue(matches("a*b%c", "aXXbYc"));
        assertTrue(matches("***", ""));
        assertTrue(matches("_", "😀"), "one code point");
        assertFalse(matches("__", "😀"));
        assertTrue(matches("\\\\", "\\"));
        assertTrue(matches("\\a", "a"), "a backslash before an ordinary character is harmless");
        assertFalse(matches("abc", "abcd"));
        assertFalse(matches("bcd", "abcd"));
        assertThrows(IllegalArgumentException.class, () -> new LikePattern("ab\\"));
    }

    @Test
    void shortPatternsNeedNoScratch() {
        assertEquals(0, new LikePattern("a".repeat(63)).scratchWords());
        assertEquals(2, new LikePattern("a".repeat(64)).scratchWords());
    }

    @Test
    void longAndShortPatternsMatchAsRegularExpressionsDo() {
        for (long seed = 1; seed <= 2000; seed++) {
            Random random = new Random(seed);
            StringBuilder pattern = new StringBuilder();
            StringBuilder regex = new StringBuilder();
            int tokens = random.nextBoolean() ? 1 + random.nextInt(8) : 60 + random.nextInt(140);
            for (int k = 0; k < tokens; k++) {
                int kind = random.nextInt(10);
                if (kind == 0) {
                    pattern.append(random.nextBoolean() ? '*' : '%');
                    regex.append(".*");
                } else if (kind == 1) {
                    pattern.append('_');
                    regex.append('.');
                } else {
                    String c = random.nextInt(8) == 0 ? "😀" : String.valueOf("ab".charAt(random.nextInt(2)));
                    pattern.append(c);
                    regex.append(Pattern.quote(c));
                }
            }
            Pattern expected = Pattern.compile(regex.toString(), Pattern.DOTALL);
            for (int t = 0; t < 20; t++) {
                StringBuilder text = new StringBuilder();
                for (int k = 0, n = random.nextInt(tokens + 10); k < n; k++) {
                    text.append(random.nextInt(8) == 0 ? "😀" : String.valueOf("abc".charAt(random.nextInt(3))));
                }
                if (t == 0) { // one text built from the pattern, so that matches are not rare
                    text.setLength(0);
                    text.append(pattern.toString().replace("*", "ab").replace("%", "").replace('_', 'c'));
                }
                assertEquals(expected.matcher(text).matches(), matches(pattern.toString(), text.toString()),
                        "seed " + seed + ": '" + pattern + "' on '" + text + "'");
            }
        }
    }

    @Test
    void patternThatMakesBacktrackingQuadraticIsOnePass() {
        String pattern = "%a".repeat(200) + "%b";
        String text = "a".repeat(1 << 20);
        assertFalse(matches(pattern, text));
        assertTrue(matches(pattern, text + "b"));
    }
}
