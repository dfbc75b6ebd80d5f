package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference's JSON: a plain recursive-descent parser into a tree (maps, lists, strings, {@link Num}, booleans,
 * {@link #NULL}), written apart from {@link JsonScanner} and as simply as possible, for the property test to
 * compare with. Keys repeat: the last wins (a map put). Deeper than 64 levels or not JSON: {@link #INVALID}.
 */
final class NaiveJson {

    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    static final Object INVALID = new Object() {
        @Override
        public String toString() {
            return "<not JSON>";
        }
    };

    /** A number, kept as written. */
    record Num(String literal) {
    }

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int i;

    private NaiveJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        NaiveJson parser = new NaiveJson(text);
        try {
            Object value = parser.value(0);
            parser.space();
            return parser.i == text.length() ? value : INVALID;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return INVALID;
        }
    }

    private Object value(int depth) {
        space();
        char c = s.charAt(i);
        if (c == '{') {
            if (depth == MAX_DEPTH) {
                throw new IllegalArgumentException("too deep");
            }
            i++;
            Map<String, Object> object = new LinkedHashMap<>();
            space();
            if (s.charAt(i) == '}') {
                i++;
                return object;
            }
            while (true) {
                space();
                String key = string();
                space();
                expect(':');
                object.put(key, value(depth + 1));
                space();
                if (s.charAt(i) == ',') {
                    i++;
                } else {
                    expect('}');
                    return object;
                }
            }
        }
        if (c == '[') {
            if (depth == MAX_DEPTH) {
                throw new IllegalArgumentException("too deep");
            }
            i++;
            List<Object> array = new ArrayList<>();
            space();
            if (s.charAt(i) == ']') {
                i++;
                return array;
            }
            while (true) {
                array.add(value(depth + 1));
                space();
                if (s.charAt(i) == ',') {
                    i++;
                } else {
                    expect(']');
                    return array;
                }
            }
        }
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, i)) {
                i += word.length();
                return word.equals("null") ? NULL : Boolean.valueOf(word);
            }
        }
        Matcher m = NUMBER.matcher(s).region(i, s.length());
        if (m.lookingAt()) {
            i = m.end();
            return new Num(m.group());
        }
        throw new IllegalArgumentException("no value at " + i);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    String hex = s.substring(i, i + 4);
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw new IllegalArgumentException("bad \\u");
                    }
                    out.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape");
            }
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        i++;
    }

    private void space() {
        while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }
}
