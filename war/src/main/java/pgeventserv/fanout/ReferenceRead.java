package pgeventserv.fanout;

import java.util.List;

/**
 * The rows a durable hint on a channel names, checked against the table: one committed transaction's rows at
 * positions {@code first..last}, of every channel, if the hint is true; nothing otherwise ({@link DurableReader#transaction}).
 */
final class ReferenceRead extends PendingRead {

    final Channel channel;
    final long first;
    final long last;
    private final int sender;
    private final DurableReader reader;

    ReferenceRead(Channel channel, long first, long last, int sender, DurableReader reader, long askedNanos) {
        super(askedNanos);
        this.channel = channel;
        this.first = first;
        this.last = last;
        this.sender = sender;
        this.reader = reader;
    }

    @Override
    List<DurableRow> read() throws Exception {
        return reader.transaction(channel.name, first, last, sender);
    }

    @Override
    long upTo() {
        return last;
    }
}
