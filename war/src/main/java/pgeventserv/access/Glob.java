package pgeventserv.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * One allow-list pattern, matched as the original matches {@code Channels}: with the Go library
 * {@code github.com/komem3/glob} (POSIX shell patterns, no notion of a path). Re-implemented here from its
 * documented and observed behaviour, so that a pattern means in our {@code Channels} what it meant there:
 * <ul>
 * <li>the whole name must match (anchored) and case matters;</li>
 * <li>{@code *} matches any run of characters, none included, {@code /} and {@code .} included;
 * {@code ?} exactly one character (a Unicode code point, {@code /} included);</li>
 * <li>{@code \} makes the next character literal; a lone {@code \} at the end is ignored;</li>
 * <li>{@code [...]} one character of a set: single characters, ranges {@code a-z}, the POSIX classes
 * {@code [:alpha:]} and friends (ASCII only); {@code ^} first negates it, {@code !} is an ordinary character;
 * a backslash inside is an ordinary character (it only keeps the next {@code ]} from closing the set);
 * {@code []}, an unclosed {@code [} or an unknown class is an error.</li>
 * </ul>
 * The library stops reading a name at a U+FFFD character (its end-of-input marker) and so may match a name by
 * its prefix; that accident is not copied: a name matches only as a whole.
 */
public final class Glob {

    /** {@code [:punct:]} in that library is these nine characters, not every punctuation mark: kept so. */
    private static final Map<String, IntPredicate> CLASSES = Map.ofEntries(
            Map.entry("[:alnum:]", c -> range(c, '0', '9') || range(c, 'a', 'z') || range(c, 'A', 'Z')),
            Map.entry("[:alpha:]", c -> range(c, 'a', 'z') || range(c, 'A', 'Z')),
            Map.entry("[:blank:]", c -> c == '\t' || c == ' '),
            Map.entry("[:cntrl:]", c -> range(c, 0, 0x1f) || c == 0x7f),
            Map.entry("[:digit:]", c -> range(c, '0', '9')),
            Map.entry("[:graph:]", c -> range(c, '!', '~')),
            Map.entry("[:lower:]", c -> range(c, 'a', 'z')),
            Map.entry("[:print:]", c -> range(c, ' ', '~')),
            Map.entry("[:punct:]", c -> "!-/:@[`{~".indexOf(c) >= 0),
            Map.entry("[:space:]", c -> c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r' || c == ' '),
            Map.entry("[:upper:]", c -> range(c, 'A', 'Z')),
            Map.entry("[:xdigit:]", c -> range(c, '0', '9') || range(c, 'a', 'f') || range(c, 'A', 'F')));

    private final String pattern;
    /** One entry per pattern element: a test of one character, or null for a star. */
    private final IntPredicate[] parts;

    /** @throws IllegalArgumentException for a pattern this language cannot read */
    public Glob(String pattern) {
        this.pattern = pattern;
        this.parts = compile(pattern);
    }

    /** Last-star backtracking: linear for the patterns people write, and exact for this pattern language. */
    public boolean matches(String name) {
        int[] text = name.codePoints().toArray();
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length) {
            if (p < parts.length && parts[p] == null) {
                star = p++;
                resume = t;
            } else if (p < parts.length && parts[p].test(text[t])) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < parts.length && parts[p] == null) {
            p++;
        }
        return p == parts.length;
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static IntPredicate[] compile(String glob) {
        int[] cps = glob.codePoints().toArray();
        List<IntPredicate> parts = new ArrayList<>();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\\') {
                if (i + 1 < cps.length) {
                    int literal = cps[++i];
                    parts.add(x -> x == literal);
                }
            } else if (c == '*') {
                parts.add(null);
            } else if (c == '?') {
                parts.add(x -> true);
            } else if (c == '[') {
                int close = closing(cps, i);
                if (close < 0) {
                    throw new IllegalArgumentException("pattern '" + glob + "' has a '[' without its ']'");
                }
                parts.add(set(glob, cps, i + 1, close));
                i = close;
            } else {
                parts.add(x -> x == c);
            }
        }
        return parts.toArray(IntPredicate[]::new);
    }

    /** The {@code ]} that closes the {@code [} at {@code open}: brackets nest, and a backslash hides the next character. */
    private static int closing(int[] cps, int open) {
        int depth = 0;
        for (int i = open; i < cps.length; i++) {
            if (cps[i] == '\\') {
                i++;
            } else if (cps[i] == '[') {
                depth++;
            } else if (cps[i] == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The set between {@code from} and {@code to} (exclusive), the brackets left out. */
    private static IntPredicate set(String glob, int[] cps, int from, int to) {
        if (from == to) {
            throw new IllegalArgumentException("pattern '" + glob + "' has an empty set '[]'");
        }
        boolean negated = cps[from] == '^';
        IntPredicate any = x -> false;
        for (int i = negated ? from + 1 : from; i < to; i++) {
            int c = cps[i];
            if (c == '[') {
                int close = closing(cps, i);
                String name = close < 0 || close >= to ? "" : new String(cps, i, close - i + 1);
                IntPredicate named = CLASSES.get(name);
                if (named == null) {
                    throw new IllegalArgumentException("pattern '" + glob + "' has an unknown class '"
                            + (name.isEmpty() ? new String(cps, i, to - i) : name) + "'");
                }
                any = any.or(named);
                i = close;
            } else if (i + 2 < to && cps[i + 1] == '-') {
                int low = c;
                int high = cps[i + 2];
                any = any.or(x -> range(x, low, high));
                i += 2;
            } else {
                any = any.or(x -> x == c);
            }
        }
        return negated ? any.negate() : any;
    }

    private static boolean range(int c, int low, int high) {
        return c >= low && c <= high;
    }
}
