package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact decimals from JSON text: the grammar, one canonical text per value, and an order that is BigDecimal's. */
class DecimalTest {

    @Test
    void grammarIsJsonsNumber() {
        for (String number : List.of("0", "-0", "7", "-7", "10", "1.5", "0.001", "1e3", "1E3", "1e+3", "1e-3",
                "-1.5e-07",
                "123456789012345678901234567890")) {
            assertTrue(Decimal.isNumber(number), number);
        }
        for (String text : List.of("", "-", "01", "-01", "+1", ".5", "5.", "1e", "1e+", "1.e3", "0x1", "1 ", " 1",
                "1_000",
                "NaN", "Infinity", "\u0663")) {
            assertFalse(Decimal.isNumber(text), text);
        }
    }

    @Test
    void canonicalTextIsSignDigitsAndExponent() {
        assertCanonical("12e3", "120", "120.000", "1.2e2", "12e1", "0.12e3", "120e0");
        assertCanonical("-5e-1", "-0.05", "-5e-2", "-0.5e-1");
        assertCanonical("0", "0", "-0", "0.000", "0e99", "-0.0e-5");
        assertCanonical("123456e1", "123.456e-2");
        assertCanonical("12e-3", "0.00012");
        assertCanonical("1e2", "1e0000000000000000001");
    }

    private static void assertCanonical(String expected, String... numbers) {
        for (String number : numbers) {
            assertEquals(expected, new String(Decimal.canonical(number)), number);
        }
    }

    @Test
    void exponentOfMoreThanFifteenDigitsHasNoCanonicalText() {
        assertNull(Decimal.canonical("1e1234567890123456"));
        assertNull(Decimal.canonical("1e-1234567890123456"));
        assertEquals("1e123456789012346", new String(Decimal.canonical("1e123456789012345")));
    }

    @Test
    void orderAndEqualityAreBigDecimals() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String a = randomNumber(random);
            String b = random.nextInt(10) == 0 ? a : randomNumber(random);
            char[] x = Decimal.canonical(a);
            char[] y = Decimal.canonical(b);
            int expected = Integer.signum(new BigDecimal(a).compareTo(new BigDecimal(b)));
            int actual = Integer.signum(Decimal.compare(x, 0, x.length, y, 0, y.length));
            assertEquals(expected, actual, a + " vs " + b);
            assertEquals(expected == 0, new String(x).equals(new String(y)), a + " vs " + b);
        }
    }

    /** Numbers written every way JSON allows, drawn from few digits so that equal values and prefixes are common. */
    private static String randomNumber(Random random) {
        StringBuilder out = new StringBuilder(random.nextBoolean() ? "-" : "");
        String digits = "0010205";
        int intDigits = random.nextInt(4);
        if (intDigits == 0) {
            out.append('0');
        } else {
            out.append((char) ('1' + random.nextInt(2)));
            for (int k = 1; k < intDigits; k++) {
                out.append(digits.charAt(random.nextInt(digits.length())));
            }
        }
        if (random.nextBoolean()) {
            out.append('.');
            for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                out.append(digits.charAt(random.nextInt(digits.length())));
            }
        }
        if (random.nextBoolean()) {
            out.append(random.nextBoolean() ? 'e' : 'E')
                    .append(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "")
                    .append(random.nextInt(3) == 0 ? "0" : "").append(random.nextInt(8));
        }
        return out.toString();
    }
}
