package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamParserTest {

    private final List<long[]> events = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser((sent, sequence) -> events.add(new long[] {sent, sequence}));

    private void feed(String text) {
        parser.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every way to cut the text in two, fed to fresh parsers: the result must not depend on where reads end. */
    private static List<EventStreamParser> everySplit(String text, List<List<long[]>> seen) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<EventStreamParser> parsers = new ArrayList<>();
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<long[]> got = new ArrayList<>();
            EventStreamParser p = new EventStreamParser((sent, sequence) -> got.add(new long[] {sent, sequence}));
            p.feed(ByteBuffer.wrap(bytes, 0, cut));
            p.feed(ByteBuffer.wrap(bytes, cut, bytes.length - cut));
            parsers.add(p);
            seen.add(got);
        }
        return parsers;
    }

    @Test
    void readsSendTimeSequenceAndIdOfEachEvent() {
        feed("retry: 2000\n\nid: 41\ndata: 1700000000000001 7xxxx\n\nid: 42\ndata: 1700000000000002 8xxxx\n\n");
        assertEquals(2, parser.events());
        assertEquals(1700000000000001L, events.get(0)[0]);
        assertEquals(7, events.get(0)[1]);
        assertEquals(8, events.get(1)[1]);
        assertEquals("42", parser.lastId());
    }

    @Test
    void linesEndInCrLfLfOrCrAlike() {
        feed("id: 1\r\ndata: 10 1\r\n\r\nid: 2\rdata: 20 2\r\rid: 3\ndata: 30 3\n\n");
        assertEquals(3, parser.events());
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(e -> e[1]).toList());
        assertEquals("3", parser.lastId());
    }

    @Test
    void aCrLfSplitBetweenTwoReadsIsOneLineEnd() {
        feed("data: 10 1\r");
        feed("\n");
        assertEquals(0, parser.events());
        feed("\r");
        feed("\n");
        assertEquals(1, parser.events());
    }

    @Test
    void everyCutOfTheStreamGivesTheSameEvents() {
        String stream = "retry: 2000\r\n\r\n: keep-alive\r\n\r\nid: 5-a\r\ndata: 123 9xx\r\ndata: more\r\n\r\nid: 6\rdata:456 10\r\r";
        List<List<long[]>> seen = new ArrayList<>();
        List<EventStreamParser> parsers = everySplit(stream, seen);
        for (int i = 0; i < parsers.size(); i++) {
            assertEquals(2, parsers.get(i).events(), "cut at " + i);
            assertEquals(1, parsers.get(i).comments(), "cut at " + i);
            assertEquals("6", parsers.get(i).lastId(), "cut at " + i);
            assertEquals(123, seen.get(i).get(0)[0], "cut at " + i);
            assertEquals(9, seen.get(i).get(0)[1], "cut at " + i);
            assertEquals(456, seen.get(i).get(1)[0], "cut at " + i);
            assertEquals(10, seen.get(i).get(1)[1], "cut at " + i);
        }
    }

    @Test
    void commentsAreCountedAndDispatchNothing() {
        feed(": keep-alive\n\n:\n\n");
        assertEquals(0, parser.events());
        assertEquals(2, parser.comments());
    }

    @Test
    void multiLineDataIsOneEventJoinedWithLf() {
        feed("id: 9\ndata: 77 3 first\ndata: second\ndata\n\n");
        assertEquals(1, parser.events());
        assertEquals(77, events.get(0)[0]);
        assertEquals(3, events.get(0)[1]);
        assertEquals("77 3 first\nsecond\n".length(), parser.lastDataLength());
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() {
        feed("data:  5 6\n\n");
        assertEquals(1, parser.events());
        assertEquals(-1, events.get(0)[0]);
        assertEquals(" 5 6".length(), parser.lastDataLength());
    }

    @Test
    void namedEventsAreCountedApartAndMessageIsNoName() {
        feed("event: gap\ndata: {\"type\":\"gap\"}\n\nevent: message\ndata: 1 2\n\nevent: error\ndata: {}\n\n");
        assertEquals(1, parser.events());
        assertEquals(2, parser.namedEvents());
        assertEquals(2, events.get(0)[1]);
    }

    @Test
    void anEventWithoutDataIsNotDispatchedButItsIdCounts() {
        feed("id: 12\n\n");
        assertEquals(0, parser.events());
        assertEquals("12", parser.lastId());
    }

    @Test
    void payloadsWithoutNumbersGiveMinusOne() {
        feed("data: hello\n\n");
        assertEquals(-1, events.get(0)[0]);
        assertEquals(-1, events.get(0)[1]);
    }

    @Test
    void withoutNumbersEventsAreCountedAndTheirDataSkipped() {
        List<long[]> got = new ArrayList<>();
        EventStreamParser skipping = new EventStreamParser((sent, sequence) -> got.add(new long[] {sent, sequence}), false);
        skipping.feed(ByteBuffer.wrap("retry: 2000\n\n: keep-alive\r\nid: 7\r\ndata: 123 4 xx\r\ndata: yy\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, skipping.events());
        assertEquals(-1, got.get(0)[0]);
        assertEquals(-1, got.get(0)[1]);
        assertEquals("123 4 xx\nyy".length(), skipping.lastDataLength());
        assertEquals("7", skipping.lastId());
        assertEquals(1, skipping.comments());
    }

    @Test
    void noIdBeforeTheFirst() {
        feed("retry: 2000\n\n");
        assertNull(parser.lastId());
    }
}
