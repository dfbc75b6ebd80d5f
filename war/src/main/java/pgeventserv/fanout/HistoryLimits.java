package pgeventserv.fanout;

import java.time.Duration;

/**
 * How much each channel's {@link History} holds: {@code HistoryMessages} (0 turns history off),
 * {@code HistoryBytes} of payload, and nothing older than {@code HistoryAge}.
 */
public record HistoryLimits(int messages, long bytes, Duration age) {

    History history() {
        return new History(messages, bytes, age.toNanos());
    }
}
