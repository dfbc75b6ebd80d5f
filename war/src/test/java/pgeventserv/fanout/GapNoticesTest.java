package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Gaps told in each client's format, where the format can say it; one message made per format. */
class GapNoticesTest {

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Fanout fanout = new Fanout(subscriptions, new EventIds("gaps"));
    private final GapNotice notice = new GapNotice("c", GapNotice.UNKNOWN, null, null, null);

    /** A format that counts the gap messages it makes. */
    private static final class Counting implements Format {
        final List<GapNotice> made = new ArrayList<>();

        @Override
        public String message(Event event) {
            return event.payload();
        }

        @Override
        public String gap(GapNotice gap) {
            made.add(gap);
            return "gap " + gap.reason();
        }

        @Override
        public int framedLength(Frame message) {
            return message.bytes();
        }

        @Override
        public void frame(Frame message, java.nio.ByteBuffer out) {
            throw new UnsupportedOperationException();
        }
    }

    private FakeWriter member(Format format) {
        FakeWriter writer = new FakeWriter(format, false);
        subscriptions.subscribe(List.of("c"), format, false, null).attach(writer);
        fanout.pollEnded();
        return writer;
    }

    @Test
    void oneSubscriberIsToldInItsFormat() {
        FakeWriter writer = member(TestFormat.ENVELOPE);
        Subscriber s = subscriptions.subscribe(List.of("c"), TestFormat.ENVELOPE, false, null);
        FakeWriter own = new FakeWriter(TestFormat.ENVELOPE, false);
        s.attach(own);
        GapNotices.tell(s, notice);
        assertEquals(List.of("gap:unknown:c"), own.received());
        assertEquals(List.of(), writer.received());
    }

    @Test
    void aFormatThatCannotSayItSendsNothing() {
        Subscriber s = subscriptions.subscribe(List.of("c"), TestFormat.RAW, false, null);
        FakeWriter own = FakeWriter.fast();
        s.attach(own);
        GapNotices.tell(s, notice);
        assertEquals(List.of(), own.received());
    }

    @Test
    void everyMemberIsToldWithOneMessagePerFormat() {
        Counting counting = new Counting();
        FakeWriter first = member(counting);
        FakeWriter second = member(counting);
        FakeWriter envelope = member(TestFormat.ENVELOPE);
        FakeWriter raw = member(TestFormat.RAW);
        GapNotices.tellMembers(subscriptions.channels().get("c"), notice);
        assertEquals(List.of("gap unknown"), first.received());
        assertEquals(List.of("gap unknown"), second.received());
        assertEquals(List.of("gap:unknown:c"), envelope.received());
        assertEquals(List.of(), raw.received());
        assertEquals(1, counting.made.size());
        assertSame(notice, counting.made.get(0));
    }

    @Test
    void membersAfterOneThatCannotBeToldAreStillTold() {
        FakeWriter raw = member(TestFormat.RAW);
        FakeWriter raw2 = member(TestFormat.RAW);
        FakeWriter envelope = member(TestFormat.ENVELOPE);
        GapNotices.tellMembers(subscriptions.channels().get("c"), notice);
        assertEquals(List.of(), raw.received());
        assertEquals(List.of(), raw2.received());
        assertEquals(List.of("gap:unknown:c"), envelope.received());
    }
}
