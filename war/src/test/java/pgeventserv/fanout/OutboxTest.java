package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One client's queue and writes: what is written when, in which writes, and when the client is too slow. */
class OutboxTest {

    /** Records each write's texts; writable only when the test says. */
    static final class Writes implements Writer {
        final List<List<String>> writes = new ArrayList<>();
        final List<Farewell> closes = new ArrayList<>();
        boolean writable = true;
        boolean fails;
        /** Each write stays outstanding (not writable) until the test says. */
        boolean busyAfterEachWrite;

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void write(Messages messages) throws IOException {
            if (fails) {
                throw new IOException("broken pipe");
            }
            writes.add(messages.frames().stream().map(Frame::text).toList());
            if (busyAfterEachWrite) {
                writable = false;
            }
        }

        @Override
        public boolean keepAlive() {
            return true;
        }

        @Override
        public void close(Farewell farewell) {
            closes.add(farewell);
        }

        List<String> all() {
            return writes.stream().flatMap(List::stream).toList();
        }
    }

    private Subscriptions subscriptions(Limits limits) {
        return new Subscriptions(limits, new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10,
                c -> CompletableFuture.completedFuture(null), c -> { }, 0);
    }

    private final Subscriptions subscriptions = subscriptions(new Limits(3, 1 << 24));

    private static Messages messages(String... texts) {
        List<Frame> frames = new ArrayList<>();
        int bytes = 0;
        for (String t : texts) {
            Frame f = Frame.of(t);
            frames.add(f);
            bytes += f.bytes();
        }
        return new Messages(TestFormat.RAW, frames, bytes);
    }

    private static List<Frame> replayed(String... texts) {
        List<Frame> frames = new ArrayList<>();
        for (String t : texts) {
            frames.add(Frame.replayed(t, Frame.utf8Length(t)));
        }
        return frames;
    }

    private static Subscriber open(Subscriptions subscriptions, Writes writer) {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);
        s.attach(writer);
        return s;
    }

    @Test
    void aClientWithNothingWaitingGetsTheMessagesAtOnceInOneWrite() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        s.outbox().deliver(messages("a", "b", "c"));
        assertEquals(List.of(List.of("a", "b", "c")), writer.writes);
        assertEquals(3, subscriptions.counters().sent());
        assertTrue(s.outbox().written());
    }

    @Test
    void whileTheWriterIsBusyMessagesQueueAndGoInOneWriteOnceItIsWritable() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a"));
        s.outbox().deliver(messages("b"));
        assertEquals(List.of(), writer.writes);
        assertFalse(s.outbox().written());
        assertEquals(0, subscriptions.counters().sent());

        writer.writable = true;
        s.writable();
        assertEquals(List.of(List.of("a", "b")), writer.writes);
        assertTrue(s.outbox().written());
        assertEquals(2, subscriptions.counters().sent());
    }

    @Test
    void aClientWaitingForItsWriterIsDrainedAgainAfterThePoll() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a"));
        writer.writable = true;
        ArrayDeque<Subscriber> awaiting = new ArrayDeque<>();
        subscriptions.takeAwaiting(awaiting);
        assertEquals(List.of(s), List.copyOf(awaiting));
        awaiting.poll().outbox().drain();
        assertEquals(List.of(List.of("a")), writer.writes);
        subscriptions.takeAwaiting(awaiting);
        assertTrue(awaiting.isEmpty(), "taken off the list once taken");
    }

    @Test
    void aBacklogIsWrittenInWritesOfAtMost256KiB() {
        Subscriptions roomy = subscriptions(new Limits(100, 1 << 24));
        Writes writer = new Writes();
        Subscriber s = open(roomy, writer);
        writer.writable = false;
        String quarter = "q".repeat(Outbox.MAX_WRITE_BYTES / 2);
        for (int i = 0; i < 5; i++) {
            s.outbox().deliver(messages(quarter));
        }
        writer.writable = true;
        s.writable();
        assertEquals(List.of(2, 2, 1), writer.writes.stream().map(List::size).toList());
    }

    @Test
    void aMessageLargerThanAWriteStillGoesAlone() {
        Subscriptions roomy = subscriptions(new Limits(100, 1 << 24));
        Writes writer = new Writes();
        Subscriber s = open(roomy, writer);
        writer.writable = false;
        s.outbox().deliver(messages("small"));
        s.outbox().deliver(messages("x".repeat(Outbox.MAX_WRITE_BYTES + 1)));
        writer.writable = true;
        s.writable();
        assertEquals(List.of(1, 1), writer.writes.stream().map(List::size).toList());
    }

    @Test
    void aWriterThatStopsTakingMidBacklogIsWaitedFor() {
        Subscriptions roomy = subscriptions(new Limits(100, 1 << 24));
        Writes writer = new Writes();
        writer.busyAfterEachWrite = true;
        Subscriber s = open(roomy, writer);
        writer.writable = false;
        String half = "h".repeat(Outbox.MAX_WRITE_BYTES / 2);
        for (int i = 0; i < 3; i++) {
            s.outbox().deliver(messages(half));
        }
        writer.writable = true;
        s.writable();
        assertEquals(1, writer.writes.size(), "one write, then the writer is busy");
        writer.writable = true;
        s.writable();
        assertEquals(2, writer.writes.size());
        assertTrue(s.outbox().written());
    }

    @Test
    void aClientWithMoreMessagesWaitingThanTheBoundIsClosedAsTooSlowAndWhatItHadIsCountedAsDropped() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("1"));
        s.outbox().deliver(messages("2", "3"));
        assertEquals(Subscriber.State.OPEN, s.state(), "three messages: at the bound, not past it");
        s.outbox().deliver(messages("4", "5"));
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertEquals(1, subscriptions.counters().closedSlow());
        assertEquals(5, subscriptions.counters().dropped());

        writer.writable = true;
        s.writable();
        assertEquals(List.of(), writer.writes, "nothing of a closing client's queue is written");
        assertEquals(List.of(new Limits(3, 1 << 24).tooSlow()), writer.closes);
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aClientWithMoreBytesWaitingThanTheBoundIsClosedAsTooSlow() {
        Subscriptions small = subscriptions(new Limits(100, 10));
        Writes writer = new Writes();
        Subscriber s = open(small, writer);
        writer.writable = false;
        s.outbox().deliver(messages("12345"));
        s.outbox().deliver(messages("67890"));
        assertEquals(Subscriber.State.OPEN, s.state(), "ten bytes: at the bound, not past it");
        s.outbox().deliver(messages("x"));
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertTrue(new Limits(100, 10).tooSlow().reason().contains("10 bytes"));
    }

    @Test
    void aReplayIsBoundedByItsAllowanceNotTheQueue() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().replay(replayed("r1", "r2", "r3", "r4", "r5"));
        assertEquals(Subscriber.State.OPEN, s.state(), "five replayed messages past a bound of three");
        s.outbox().deliver(messages("l1", "l2", "l3"));
        assertEquals(Subscriber.State.OPEN, s.state(), "three live ones still fit beside them");
        s.outbox().offer(Frame.of("l4"));
        assertEquals(Subscriber.State.CLOSING, s.state());
    }

    @Test
    void aReplaysAllowanceCoversItsBytesToo() {
        Subscriptions small = subscriptions(new Limits(100, 4));
        Writes writer = new Writes();
        Subscriber s = open(small, writer);
        writer.writable = false;
        s.outbox().replay(replayed("replayed-1", "replayed-2"));
        assertEquals(Subscriber.State.OPEN, s.state());
        s.outbox().offer(Frame.of("1234"));
        assertEquals(Subscriber.State.OPEN, s.state());
        s.outbox().offer(Frame.of("5"));
        assertEquals(Subscriber.State.CLOSING, s.state());
    }

    @Test
    void theAllowanceIsGivenBackAsTheReplayIsWritten() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().replay(replayed("r1", "r2", "r3", "r4", "r5"));
        writer.writable = true;
        s.writable();
        assertEquals(List.of("r1", "r2", "r3", "r4", "r5"), writer.all());
        writer.writable = false;
        s.outbox().deliver(messages("l1", "l2", "l3"));
        assertEquals(Subscriber.State.OPEN, s.state());
        s.outbox().offer(Frame.of("l4"));
        assertEquals(Subscriber.State.CLOSING, s.state(), "the bound is the queue's again");
    }

    @Test
    void theAllowanceAddsToTheBoundWhateverWasQueuedBeforeIt() {
        Subscriptions small = subscriptions(new Limits(1, 1 << 24));
        Writes writer = new Writes();
        Subscriber s = open(small, writer);
        writer.writable = false;
        s.outbox().offer(Frame.of("live"));
        s.outbox().replay(replayed("r1"));
        assertEquals(Subscriber.State.OPEN, s.state());
        s.outbox().offer(Frame.of("more"));
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertEquals(3, small.counters().dropped(), "the two queued and the one refused");
    }

    @Test
    void aMessageForAClientGoneIsNeitherQueuedNorWritten() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        s.end();
        s.outbox().deliver(messages("a"));
        s.outbox().offer(Frame.of("b"));
        assertEquals(List.of(), writer.writes);
        assertTrue(s.outbox().written());
    }

    @Test
    void messagesBeforeTheConnectionOpensAreWrittenWhenItDoes() {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);
        s.outbox().deliver(messages("a"));
        s.outbox().offer(Frame.of("b"));
        assertFalse(s.outbox().written());
        Writes writer = new Writes();
        s.attach(writer);
        assertEquals(List.of(List.of("a", "b")), writer.writes);
    }

    @Test
    void aConnectionThatFailsUnderAWriteIsLostAndNothingMoreIsWritten() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.fails = true;
        s.outbox().deliver(messages("a"));
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertEquals(0, subscriptions.sessionCount(), "it gave its place back");
        assertEquals(0, subscriptions.counters().sent());
        writer.fails = false;
        s.outbox().deliver(messages("b"));
        assertEquals(List.of(), writer.writes);
    }

    @Test
    void aFailureUnderAQueuedWriteLosesTheConnectionToo() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a"));
        writer.writable = true;
        writer.fails = true;
        s.writable();
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aClosingClientWhoseWriterIsFreeIsClosedAtOnceWithItsReason() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        Farewell why = new Farewell(Farewell.POLICY_VIOLATION, "bye");
        s.close(why);
        assertEquals(List.of(why), writer.closes);
        assertEquals(Subscriber.State.CLOSED, s.state());
        s.writable();
        assertEquals(List.of(why), writer.closes, "closed once");
    }

    @Test
    void aClosingClientWhoseWriteIsOutstandingWaitsForItWithinTheGrace() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.close(new Farewell(Farewell.POLICY_VIOLATION, "bye"));
        assertEquals(List.of(), writer.closes);
        assertEquals(Subscriber.State.CLOSING, s.state());
        ArrayDeque<Subscriber> awaiting = new ArrayDeque<>();
        subscriptions.takeAwaiting(awaiting);
        assertEquals(List.of(s), List.copyOf(awaiting), "drained again after the next poll");
        writer.writable = true;
        s.writable();
        assertEquals(1, writer.closes.size());
    }

    @Test
    void aClosingClientPastTheStallGraceIsClosedThoughItsWriteIsOutstanding() {
        Subscriptions impatient = subscriptions(new Limits(3, 1 << 24, 0));
        Writes writer = new Writes();
        Subscriber s = open(impatient, writer);
        writer.writable = false;
        s.close(new Farewell(Farewell.POLICY_VIOLATION, "bye"));
        long since = s.closingSinceNanos();
        while (System.nanoTime() == since) {
            Thread.onSpinWait();
        }
        s.writable();
        assertEquals(1, writer.closes.size());
    }

    @Test
    void aClientClosedDuringItsHandshakeIsToldWhyWhenItOpens() {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);
        s.outbox().offer(Frame.of("queued"));
        Farewell why = new Farewell(Farewell.POLICY_VIOLATION, "bye");
        s.close(why);
        Writes writer = new Writes();
        s.attach(writer);
        assertEquals(List.of(), writer.writes, "what was queued is dropped");
        assertEquals(List.of(why), writer.closes);
    }
    @Test
    void aDeliveryToAClientWithABacklogWritesTheBacklogOnceTheWriterHasRoom() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a"));
        writer.writable = true;
        s.outbox().deliver(messages("b"));
        assertEquals(List.of("a", "b"), writer.all());
        assertTrue(s.outbox().written());
    }

    @Test
    void aClientTooSlowHalfwayThroughADeliveryHasWhatWasQueuedAndTheRestCountedAsDropped() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("1", "2"));
        s.outbox().deliver(messages("3", "4", "5"));
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertEquals(5, subscriptions.counters().dropped(), "three queued, two refused");
    }

    @Test
    void aClientThatKeepsUpIsNeverTooSlowHoweverMuchGoesThroughItsQueue() {
        Subscriptions small = subscriptions(new Limits(2, 10));
        Writes writer = new Writes();
        Subscriber s = open(small, writer);
        for (int i = 0; i < 10; i++) {
            writer.writable = false;
            s.outbox().deliver(messages("1234", "5678"));
            writer.writable = true;
            s.writable();
        }
        assertEquals(Subscriber.State.OPEN, s.state());
        assertEquals(20, writer.all().size());
    }

    @Test
    void aReplayWrittenOutLeavesNoAllowanceForBytes() {
        Subscriptions small = subscriptions(new Limits(100, 4));
        Writes writer = new Writes();
        Subscriber s = open(small, writer);
        writer.writable = false;
        s.outbox().replay(replayed("replayed-1", "replayed-2"));
        writer.writable = true;
        s.writable();
        writer.writable = false;
        s.outbox().offer(Frame.of("12345"));
        assertEquals(Subscriber.State.CLOSING, s.state(), "five bytes past a bound of four");
    }

    @Test
    void aClosedClientsQueueIsDropped() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a", "b"));
        assertFalse(s.outbox().written());
        s.end();
        assertTrue(s.outbox().written(), "nothing waits any more");
    }

    @Test
    void aClosingClientsQueueIsDroppedWhileItsCloseWaits() {
        Writes writer = new Writes();
        Subscriber s = open(subscriptions, writer);
        writer.writable = false;
        s.outbox().deliver(messages("a", "b"));
        s.close(new Farewell(Farewell.POLICY_VIOLATION, "bye"));
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertTrue(s.outbox().written());
    }
}
