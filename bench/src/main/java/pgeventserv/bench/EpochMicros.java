package pgeventserv.bench;

import java.time.Instant;

/**
 * The wall clock in microseconds: the producer writes it into each payload and the receivers read it
 * back. Producer, server and clients all run on this machine, so they share the clock.
 */
final class EpochMicros {

    private EpochMicros() {
    }

    static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
