package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A {@code like} pattern, PostgREST's convention over SQL LIKE: {@code *} and {@code %} match any run of
 * characters (none included), {@code _} exactly one character (a Unicode code point), {@code \} makes the next
 * character literal; everything else matches itself, case-sensitively; the whole value must match.
 *
 * <p>Matched bit-parallel (shift-and over the pattern's positions): one pass over the value whatever the pattern,
 * so a pattern like {@code %a%a%a%b} against a megabyte of {@code a} costs one pass, not the backtracking
 * matcher's pattern-times-value. Up to 63 positions the state is one {@code long} and matching allocates nothing;
 * a longer pattern uses the caller's scratch array. Immutable and shareable between threads.
 */
final class LikePattern {

    private static final int ANY = -1;

    /** Positions 0..k: bit j set in the state means "the first j characters of the pattern matched so far". */
    private final int positions;
    private final int words;
    /** Bit j: position j's character is {@code _}. */
    private final long[] any;
    /** Bit j: a wildcard run may be consumed while j characters of the pattern have matched. */
    private final long[] gaps;
    /** The pattern's literal code points, sorted, and for each the positions where it stands. */
    private final int[] literals;
    private final long[][] literalMasks;

    /** @throws IllegalArgumentException when the pattern ends with a lone backslash */
    LikePattern(String pattern) {
        List<Integer> characters = new ArrayList<>();
        List<Integer> gapPositions = new ArrayList<>();
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\') {
                if (i == pattern.length()) {
                    throw new IllegalArgumentException("the like pattern ends with a lone '\\'");
                }
                c = pattern.codePointAt(i);
                i += Character.charCount(c);
                characters.add(c);
            } else if (c == '*' || c == '%') {
                gapPositions.add(characters.size());
            } else {
                characters.add(c == '_' ? ANY : c);
            }
        }
        positions = characters.size();
        words = (positions + 1 + 63) / 64;
        any = new long[words];
        gaps = new long[words];
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int j = 0; j < positions; j++) {
            if (characters.get(j) == ANY) {
                set(any, j);
            } else {
                distinct.add(characters.get(j));
            }
        }
        for (int j : gapPositions) {
            set(gaps, j);
        }
        literals = distinct.stream().mapToInt(Integer::intValue).toArray();
        literalMasks = new long[literals.length][words];
        for (int j = 0; j < positions; j++) {
            if (characters.get(j) != ANY) {
                set(literalMasks[Arrays.binarySearch(literals, characters.get(j))], j);
            }
        }
    }

    /** How long a scratch array {@link #matches} needs: 0 when it needs none. */
    int scratchWords() {
        return words == 1 ? 0 : words;
    }

    /**
     * Whether {@code chars[from, from + length)} matches as a whole.
     *
     * @param scratch at least {@link #scratchWords()} longs (any content), or null when that is 0
     */
    boolean matches(char[] chars, int from, int length, long[] scratch) {
        return words == 1 ? matchesShort(chars, from, from + length) : matchesLong(chars, from, from + length, scratch);
    }

    private boolean matchesShort(char[] chars, int from, int to) {
        long state = 1;
        long anyMask = any[0];
        long gapMask = gaps[0];
        for (int i = from; i < to; ) {
            int c = Character.codePointAt(chars, i, to);
            i += Character.charCount(c);
            int literal = Arrays.binarySearch(literals, c);
            long matching = literal < 0 ? anyMask : anyMask | literalMasks[literal][0];
            state = ((state & matching) << 1) | (state & gapMask);
            if (state == 0) {
                return false;
            }
        }
        return (state >>> positions & 1) != 0;
    }

    private boolean matchesLong(char[] chars, int from, int to, long[] scratch) {
        long[] state = scratch;
        Arrays.fill(state, 0, words, 0);
        state[0] = 1;
        for (int i = from; i < to; ) {
            int c = Character.codePointAt(chars, i, to);
            i += Character.charCount(c);
            int literal = Arrays.binarySearch(literals, c);
            long[] literalMask = literal < 0 ? null : literalMasks[literal];
            long carry = 0;
            long alive = 0;
            for (int w = 0; w < words; w++) {
                long matching = literalMask == null ? any[w] : any[w] | literalMask[w];
                long advanced = state[w] & matching;
                long next = (advanced << 1) | carry | (state[w] & gaps[w]);
                carry = advanced >>> 63;
                state[w] = next;
                alive |= next;
            }
            if (alive == 0) {
                return false;
            }
        }
        return (state[positions >>> 6] >>> (positions & 63) & 1) != 0;
    }

    private static void set(long[] bits, int j) {
        bits[j >>> 6] |= 1L << (j & 63);
    }
}
