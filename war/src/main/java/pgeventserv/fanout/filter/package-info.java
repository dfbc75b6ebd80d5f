/**
 * Server-side filters on JSON payloads (DESIGN §13): the language, read once when a client subscribes
 * ({@link pgeventserv.fanout.filter.Filter}, whose comment is the reference of the language; errors are
 * {@link pgeventserv.fanout.filter.FilterException}), and the per-channel index that tests a payload against all
 * of a channel's filtered subscribers at once ({@link pgeventserv.fanout.filter.ChannelFilters}). Plain Java: it
 * imports nothing of ours and no JSON library; it reads JSON itself.
 *
 * <p>The path of one payload through {@link pgeventserv.fanout.filter.ChannelFilters#forEachMatch}: the
 * {@link pgeventserv.fanout.filter.JsonScanner} reads it once, checking all of it but decoding only the keys on
 * the channel's filter paths ({@link pgeventserv.fanout.filter.Paths}, a tree of keys shared by all the channel's
 * conditions) and copying only the values a condition reads into {@link pgeventserv.fanout.filter.Values}; each
 * indexed path's value is looked up ({@link pgeventserv.fanout.filter.KeyTable}, in place, without making a
 * string) to find the subscribers whose {@code eq} or {@code in} it satisfies; only their other conditions, and
 * the filters with nothing to index on, are then tested. Numbers compare exactly, from their text
 * ({@link pgeventserv.fanout.filter.Decimal}); {@code like} runs in one pass whatever the pattern
 * ({@link pgeventserv.fanout.filter.LikePattern}).
 *
 * <p>Threads. A {@code Filter} is immutable and may be shared (a token's filter by all its sessions). A
 * {@code ChannelFilters} and the buffers it reuses belong to one thread, the fan-out's listener thread: no locks,
 * and no allocation per payload once its buffers have grown (a buffer a very large payload grew is let go).
 *
 * <p>Bounds. Conditions per list as the caller says ({@code MaxFiltersPerSubscriber}), at most
 * {@value pgeventserv.fanout.filter.Filter#MAX_CONDITION_LENGTH} characters each; payloads nested at most
 * {@value pgeventserv.fanout.filter.Filter#MAX_DEPTH} levels (deeper ones are read no further and match as
 * non-JSON); the work per payload is one pass over it plus, per tested condition and operand, one pass over
 * the value it reads.
 */
package pgeventserv.fanout.filter;
