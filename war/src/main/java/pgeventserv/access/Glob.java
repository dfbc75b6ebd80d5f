package pgeventserv.access;

import java.util.regex.Pattern;

/**
 * One allow-list pattern, matched as the original does with Go's {@code path.Match}: anchored and
 * case-sensitive; {@code *} any run of characters, {@code ?} one character, {@code [...]} a class
 * ({@code [!...]} or {@code [^...]} negated, ranges with {@code -}), and backslash escapes the next character.
 */
final class Glob {

    private final String pattern;
    private final Pattern regex;

    Glob(String pattern) {
        this.pattern = pattern;
        this.regex = Pattern.compile(toRegex(pattern), Pattern.DOTALL);
    }

    boolean matches(String channel) {
        return regex.matcher(channel).matches();
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder(glob.length() + 8);
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new IllegalArgumentException("channel pattern '" + glob + "' ends with a lone backslash");
                    }
                    re.append(Pattern.quote(String.valueOf(glob.charAt(i++))));
                }
                case '[' -> i = appendClass(glob, i, re);
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    private static int appendClass(String glob, int i, StringBuilder re) {
        int close = glob.indexOf(']', i + 1);
        if (close < 0) {
            throw new IllegalArgumentException("channel pattern '" + glob + "' has an unclosed '['");
        }
        re.append('[');
        if (glob.charAt(i) == '!' || glob.charAt(i) == '^') {
            re.append('^');
            i++;
        }
        for (; i < close; i++) {
            char c = glob.charAt(i);
            if (c == '-') {
                re.append('-');
                continue;
            }
            if (c == '\\' && i + 1 < close) {
                c = glob.charAt(++i);
            }
            // Inside a Java character class a backslash before a non-letter is always that literal character.
            re.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
        }
        re.append(']');
        return close + 1;
    }
}
