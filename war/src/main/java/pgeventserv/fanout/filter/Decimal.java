package pgeventserv.fanout.filter;

/**
 * Numbers compared exactly, as decimals, straight from their JSON text: no {@code double} (which would make
 * 9007199254740993 equal 9007199254740992) and no {@code BigDecimal} (whose parsing is quadratic in the digits,
 * and a payload may hold a number of a million digits). A number is brought to one canonical text, so that two
 * numbers are equal exactly when their canonical texts are (which the index uses as keys: {@code 5}, {@code 5.0},
 * {@code 50e-1} are one key), and ordered by {@link #compare}.
 *
 * <p>The canonical text is {@code 0} for zero (of either sign), else an optional {@code -}, the significant digits
 * without leading or trailing zeros, {@code e}, and the exponent {@code x} for which the number is
 * {@code 0.<digits> × 10^x}: {@code 120 → 12e3}, {@code -0.05 → -5e-1}. A number whose exponent part has more than
 * {@value #MAX_EXPONENT_DIGITS} digits (after leading zeros) has no canonical text: it is not compared as a number
 * but as text. Stateless.
 */
final class Decimal {

    static final int MAX_EXPONENT_DIGITS = 15;

    /** Room a canonical text needs beyond the length of the number it comes from: sign, 'e', exponent digits. */
    static final int EXTRA_CHARS = 24;

    private Decimal() {
    }

    /** Whether the text is one JSON number (RFC 8259): {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    static boolean isNumber(CharSequence text) {
        return numberEnd(text, 0, text.length()) == text.length();
    }

    /**
     * Where the JSON number that starts at {@code from} ends, or -1 when none starts there. Reads no further than
     * {@code to}; the caller decides whether what follows may follow a number.
     */
    static int numberEnd(CharSequence s, int from, int to) {
        int i = from;
        if (i < to && s.charAt(i) == '-') {
            i++;
        }
        if (i >= to) {
            return -1;
        }
        char c = s.charAt(i);
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            i = digits(s, i, to);
        } else {
            return -1;
        }
        if (i < to && s.charAt(i) == '.') {
            int fraction = digits(s, i + 1, to);
            if (fraction == i + 1) {
                return -1;
            }
            i = fraction;
        }
        if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = digits(s, i, to);
            if (exponent == i) {
                return -1;
            }
            i = exponent;
        }
        return i;
    }

    private static int digits(CharSequence s, int i, int to) {
        while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The canonical text of a valid JSON number, or null when its exponent is too long to compare as a number. */
    static char[] canonical(String number) {
        char[] source = number.toCharArray();
        char[] target = new char[source.length + EXTRA_CHARS];
        int length = canonical(source, 0, source.length, target, 0);
        return length < 0 ? null : java.util.Arrays.copyOf(target, length);
    }

    /**
     * Writes the canonical text of the valid JSON number in {@code source[from, from + length)} at
     * {@code target[at]}, which has room for {@code length + }{@value #EXTRA_CHARS} characters. Returns how many
     * it wrote, or -1 when the exponent is too long.
     */
    static int canonical(char[] source, int from, int length, char[] target, int at) {
        int end = from + length;
        int i = from;
        boolean negative = source[i] == '-';
        if (negative) {
            i++;
        }
        // The digits of the significand, the point left out: [i, pointEnd) before the point, then the fraction.
        int intStart = i;
        while (i < end && isDigit(source[i])) {
            i++;
        }
        int intEnd = i;
        int fractionStart = intEnd;
        int fractionEnd = intEnd;
        if (i < end && source[i] == '.') {
            fractionStart = ++i;
            while (i < end && isDigit(source[i])) {
                i++;
            }
            fractionEnd = i;
        }
        long exponent = 0;
        if (i < end) {
            i++; // e or E
            boolean negativeExponent = source[i] == '-';
            if (source[i] == '+' || source[i] == '-') {
                i++;
            }
            while (i < end && source[i] == '0') {
                i++;
            }
            if (end - i > MAX_EXPONENT_DIGITS) {
                return -1;
            }
            for (; i < end; i++) {
                exponent = exponent * 10 + (source[i] - '0');
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int intDigits = intEnd - intStart;
        int allDigits = intDigits + fractionEnd - fractionStart;
        int first = 0;
        while (first < allDigits && digitAt(source, intStart, intDigits, fractionStart, first) == '0') {
            first++;
        }
        if (first == allDigits) {
            target[at] = '0';
            return 1;
        }
        int last = allDigits - 1;
        while (digitAt(source, intStart, intDigits, fractionStart, last) == '0') {
            last--;
        }
        int out = at;
        if (negative) {
            target[out++] = '-';
        }
        for (int d = first; d <= last; d++) {
            target[out++] = digitAt(source, intStart, intDigits, fractionStart, d);
        }
        target[out++] = 'e';
        out = writeLong(exponent + intDigits - first, target, out);
        return out - at;
    }

    private static char digitAt(char[] source, int intStart, int intDigits, int fractionStart, int d) {
        return d < intDigits ? source[intStart + d] : source[fractionStart + d - intDigits];
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int writeLong(long value, char[] target, int at) {
        if (value < 0) {
            target[at++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int k = at + digits - 1; k >= at; k--) {
            target[k] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    /** Orders two canonical texts as the numbers they stand for. */
    static int compare(char[] a, int aFrom, int aLength, char[] b, int bFrom, int bLength) {
        int aSign = sign(a, aFrom, aLength);
        int bSign = sign(b, bFrom, bLength);
        if (aSign != bSign || aSign == 0) {
            return Integer.compare(aSign, bSign);
        }
        int aDigits = aSign < 0 ? aFrom + 1 : aFrom;
        int bDigits = bSign < 0 ? bFrom + 1 : bFrom;
        int aE = indexOfE(a, aDigits, aFrom + aLength);
        int bE = indexOfE(b, bDigits, bFrom + bLength);
        int magnitude = Long.compare(parseLong(a, aE + 1, aFrom + aLength), parseLong(b, bE + 1, bFrom + bLength));
        if (magnitude == 0) {
            magnitude = compareDigits(a, aDigits, aE, b, bDigits, bE);
        }
        return aSign * magnitude;
    }

    private static int sign(char[] c, int from, int length) {
        return length == 1 && c[from] == '0' ? 0 : c[from] == '-' ? -1 : 1;
    }

    private static int indexOfE(char[] c, int from, int to) {
        int i = from;
        while (i < to && c[i] != 'e') {
            i++;
        }
        return i;
    }

    private static long parseLong(char[] c, int from, int to) {
        boolean negative = c[from] == '-';
        long value = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            value = value * 10 + (c[i] - '0');
        }
        return negative ? -value : value;
    }

    /** Same exponent: the digits decide, a prefix being the smaller (no trailing zeros in either). */
    private static int compareDigits(char[] a, int aFrom, int aTo, char[] b, int bFrom, int bTo) {
        int i = aFrom;
        int j = bFrom;
        for (; i < aTo && j < bTo; i++, j++) {
            if (a[i] != b[j]) {
                return Character.compare(a[i], b[j]);
            }
        }
        return Integer.compare(aTo - i, bTo - j);
    }
}
