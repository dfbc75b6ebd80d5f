package pgeventserv.fanout.filter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The reference evaluator: a condition kept as structure (never parsed from text), tested against a
 * {@link NaiveJson} tree in the most direct way, with BigDecimal for numbers and code point arrays for text and a
 * regular expression for like. {@link #render} writes it in the filter language, with quotes and escapes chosen at
 * random wherever they are allowed, so the property test also checks the parser.
 *
 * @param like for like: tokens {@code *}, {@code %}, {@code _}, or {@code "L" + literal text}
 */
record ReferenceCondition(List<String> path, String op, boolean negated, String value, List<String> list,
        List<String> like) {

    private static final Object MISSING = new Object();
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    boolean holds(Object payload) {
        return test(payload) != negated;
    }

    private boolean test(Object payload) {
        Object found = payload == NaiveJson.INVALID ? MISSING : payload;
        for (String key : path) {
            found = found instanceof Map<?, ?> object && object.containsKey(key) ? object.get(key) : MISSING;
        }
        Object v = found;
        switch (op) {
            case "ex":
                return (v != MISSING) == value.equals("true");
            case "is":
                return value.equals("null") ? v == NaiveJson.NULL : Boolean.valueOf(value).equals(v);
            default:
                break;
        }
        if (!(v instanceof String || v instanceof NaiveJson.Num || v instanceof Boolean)) {
            return false;
        }
        return switch (op) {
            case "eq" -> compare(v, value) == 0;
            case "neq" -> compare(v, value) != 0;
            case "lt" -> compare(v, value) < 0;
            case "lte" -> compare(v, value) <= 0;
            case "gt" -> compare(v, value) > 0;
            case "gte" -> compare(v, value) >= 0;
            case "in" -> list.stream().anyMatch(x -> compare(v, x) == 0);
            case "nin" -> list.stream().noneMatch(x -> compare(v, x) == 0);
            case "like" -> likeRegex().matcher(text(v)).matches();
            default -> throw new IllegalStateException(op);
        };
    }

    private static int compare(Object v, String operand) {
        if (v instanceof NaiveJson.Num n && numeric(n.literal()) && numeric(operand)) {
            return compareNumbers(n.literal(), operand);
        }
        int[] a = text(v).codePoints().toArray();
        int[] b = operand.codePoints().toArray();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /**
     * Exact comparison of two numbers, as {@code unscaled × 10^exponent} with BigInteger significands and long
     * exponents (BigDecimal itself takes exponents of at most 10 digits).
     */
    private static int compareNumbers(String x, String y) {
        BigInteger[] a = new BigInteger[1];
        BigInteger[] b = new BigInteger[1];
        long aExponent = decimal(x, a);
        long bExponent = decimal(y, b);
        int sign = a[0].signum();
        if (sign != b[0].signum() || sign == 0) {
            return Integer.compare(sign, b[0].signum());
        }
        long aLead = a[0].abs().toString().length() + aExponent;
        long bLead = b[0].abs().toString().length() + bExponent;
        if (aLead != bLead) {
            return sign * Long.compare(aLead, bLead);
        }
        int shift = (int) (aExponent - bExponent); // small: the leading digits line up
        return shift >= 0 ? a[0].multiply(BigInteger.TEN.pow(shift)).compareTo(b[0])
                : a[0].compareTo(b[0].multiply(BigInteger.TEN.pow(-shift)));
    }

    /** Puts the significand (trailing zeros stripped) in {@code unscaled[0]}; returns the exponent. */
    private static long decimal(String number, BigInteger[] unscaled) {
        int e = Math.max(number.indexOf('e'), number.indexOf('E'));
        BigDecimal significand = new BigDecimal(e < 0 ? number : number.substring(0, e)).stripTrailingZeros();
        unscaled[0] = significand.unscaledValue();
        return (e < 0 ? 0 : Long.parseLong(number.substring(e + 1))) - significand.scale();
    }

    /** A JSON number whose exponent (leading zeros aside) has at most 15 digits. */
    private static boolean numeric(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return false;
        }
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        return e < 0 || text.substring(e + 1).replaceFirst("^[+-]", "").replaceFirst("^0+", "").length() <= 15;
    }

    private static String text(Object v) {
        return v instanceof NaiveJson.Num n ? n.literal() : v.toString();
    }

    private Pattern likeRegex() {
        StringBuilder regex = new StringBuilder();
        for (String token : like) {
            regex.append(switch (token) {
                case "*", "%" -> ".*";
                case "_" -> ".";
                default -> Pattern.quote(token.substring(1));
            });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The condition in the filter language, quoting what must be quoted and, at random, what may be. */
    String render(Random random) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < path.size(); k++) {
            if (k > 0) {
                out.append('.');
            }
            String key = path.get(k);
            boolean mustQuote = key.isEmpty() || key.chars().anyMatch(c -> c == '.' || c == '=' || c == '"');
            out.append(mustQuote || random.nextInt(5) == 0 ? quote(key, random) : key);
        }
        out.append('=').append(negated ? "not." : "").append(op).append('.');
        switch (op) {
            case "in", "nin" -> {
                out.append('(');
                for (int k = 0; k < list.size(); k++) {
                    String element = list.get(k);
                    boolean mustQuote = element.isEmpty()
                            || element.chars().anyMatch(c -> c == ',' || c == '(' || c == ')' || c == '"');
                    out.append(k > 0 ? "," : "").append(mustQuote || random.nextInt(4) == 0
                            ? quote(element, random) : element);
                }
                out.append(')');
            }
            case "like" -> {
                for (String token : like) {
                    if (token.length() == 1) {
                        out.append(token);
                    } else {
                        token.substring(1).codePoints().forEach(c -> {
                            if (c == '*' || c == '%' || c == '_' || c == '\\' || random.nextInt(8) == 0) {
                                out.append('\\');
                            }
                            out.appendCodePoint(c);
                        });
                    }
                }
            }
            default -> out.append(value);
        }
        return out.toString();
    }

    /** Double quotes, a backslash before {@code "} and {@code \}, and now and then before another character. */
    private static String quote(String text, Random random) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\' || random.nextInt(8) == 0) {
                out.append('\\');
            }
            out.appendCodePoint(c);
        });
        return out.append('"').toString();
    }
}
