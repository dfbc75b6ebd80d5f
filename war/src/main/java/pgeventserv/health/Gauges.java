package pgeventserv.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Denial;
import pgeventserv.listen.HandshakeWaits;
import pgeventserv.listen.UpgradeDeferrals;
import pgeventserv.postgres.DurableEvents;
import pgeventserv.postgres.DurableSchemaCheck;
import pgeventserv.postgres.DurableStore;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.websocket.SendPath;
import pgeventserv.wiring.Relay;

/**
 * {@code /metrics} (application scope): the server's figures as MicroProfile Metrics gauges, read when scraped.
 * The counts are kept where they happen, in plain adders, and only read here: MicroProfile Metrics 5 has no
 * counter that reads a value, so the monotonic ones are gauges too (use {@code rate()} on them all the same).
 */
@ApplicationScoped
public class Gauges {

    /** Both series of one metric must share its description. */
    private static final String REFUSALS = "clients refused by authentication (401) or authorization (403, 503)"
            + " since start, by reason (monotonic)";
    private static final String SEND_PATH = "1 for the way WebSocket frames go out: straight to the Grizzly connection"
            + " (fastest), raw through Tyrus (fast) or the portable API";

    @Inject
    Relay relay;

    @Inject
    SendPath sendPath;

    @Inject
    NotificationListener listener;

    @Inject
    Authorizer authorizer;

    @Inject
    DurableStore durableStore;

    @Inject
    HandshakeWaits waits;

    @Inject
    UpgradeDeferrals deferrals;

    /** Gauges of an application-scoped bean are registered when it is made: make it at startup. */
    void register(@Observes Startup startup) {
        relay.sessions();
    }

    @Gauge(name = "pg_eventserv_sessions_open", absolute = true, unit = MetricUnits.NONE,
            description = "client sessions open (WebSocket and event streams)")
    public long sessionsOpen() {
        return relay.sessions();
    }

    @Gauge(name = "pg_eventserv_handshakes_waiting", absolute = true, unit = MetricUnits.NONE,
            description = "WebSocket handshakes holding a server worker until their channel's LISTEN is in effect")
    public long handshakesWaiting() {
        return waits.waiting();
    }

    @Gauge(name = "pg_eventserv_handshakes_parked", absolute = true, unit = MetricUnits.NONE,
            description = "server workers parked by a WebSocket handshake until its channel's LISTEN is in effect")
    public long handshakesParked() {
        return waits.parked();
    }

    @Gauge(name = "pg_eventserv_handshakes_parked_most", absolute = true, unit = MetricUnits.NONE,
            description = "the most server workers parked at once by WebSocket handshakes for a LISTEN since start")
    public long handshakesParkedMost() {
        return waits.mostParked();
    }

    @Gauge(name = "pg_eventserv_handshakes_parkings", absolute = true, unit = MetricUnits.NONE,
            description = "WebSocket handshakes that parked a server worker for their channel's LISTEN since start")
    public long handshakesParkings() {
        return waits.parkings();
    }

    @Gauge(name = "pg_eventserv_handshakes_deferred", absolute = true, unit = MetricUnits.NONE,
            description = "WebSocket handshakes whose 101 was held back until their channel's LISTEN was in effect,"
                    + " holding no server worker, since start (Payara)")
    public long handshakesDeferred() {
        return deferrals.deferred();
    }

    @Gauge(name = "pg_eventserv_handshakes_refused_waiting", absolute = true, unit = MetricUnits.NONE,
            description = "WebSocket handshakes answered 503 because the most allowed were waiting for a LISTEN")
    public long handshakesRefusedWaiting() {
        return waits.refused();
    }

    @Gauge(name = "pg_eventserv_channels_listened", absolute = true, unit = MetricUnits.NONE,
            description = "channels LISTENed for subscribers")
    public long channelsListened() {
        return relay.channels();
    }

    @Gauge(name = "pg_eventserv_history_messages", absolute = true, unit = MetricUnits.NONE,
            description = "notifications kept in the channels' histories for clients that resume")
    public long historyMessages() {
        return relay.historyMessages();
    }

    @Gauge(name = "pg_eventserv_history_bytes", absolute = true, unit = MetricUnits.BYTES,
            description = "payload bytes kept in the channels' histories")
    public long historyBytes() {
        return relay.historyBytes();
    }

    @Gauge(name = "pg_eventserv_notifications_received", absolute = true, unit = MetricUnits.NONE,
            description = "notifications received from PostgreSQL since start (monotonic)")
    public long notificationsReceived() {
        return listener.notificationsReceived();
    }

    @Gauge(name = "pg_eventserv_frames_sent", absolute = true, unit = MetricUnits.NONE,
            description = "frames written to clients since start (monotonic)")
    public long framesSent() {
        return relay.counters().sent();
    }

    @Gauge(name = "pg_eventserv_frames_dropped", absolute = true, unit = MetricUnits.NONE,
            description = "frames discarded with the queues of sessions closed as too slow (monotonic)")
    public long framesDropped() {
        return relay.counters().dropped();
    }

    @Gauge(name = "pg_eventserv_sessions_closed_slow", absolute = true, unit = MetricUnits.NONE,
            description = "sessions closed because their queue overflowed (monotonic)")
    public long sessionsClosedSlow() {
        return relay.counters().closedSlow();
    }

    @Gauge(name = "pg_eventserv_reconnects", absolute = true, unit = MetricUnits.NONE,
            description = "times the LISTEN connection came back after being down (monotonic)")
    public long reconnects() {
        return listener.reconnects();
    }

    @Gauge(name = "pg_eventserv_listener_stalled", absolute = true, unit = MetricUnits.NONE,
            description = "1 while the LISTEN connection is up but has left a round trip unanswered for over 2 s")
    public long listenerStalled() {
        return listener.stalled() ? 1 : 0;
    }

    @Gauge(name = "pg_eventserv_listener_handoffs", absolute = true, unit = MetricUnits.NONE,
            description = "polls of the LISTEN connection that brought notifications for clients (monotonic)")
    public long listenerHandOffs() {
        return listener.handOffs();
    }

    @Gauge(name = "pg_eventserv_listener_handoff", absolute = true, unit = MetricUnits.SECONDS,
            description = "time from those polls' return to the end of the listener thread's writes (its share of the clients), in all (monotonic)")
    public double listenerHandOffSeconds() {
        return listener.handOffSeconds();
    }

    @Gauge(name = "pg_eventserv_writer_threads", absolute = true, unit = MetricUnits.NONE,
            description = "writer threads that share each poll's writes to clients with the listener thread (-Dpgeventserv.writeLanes)")
    public long writerThreads() {
        return relay.writerThreads();
    }

    @Gauge(name = "pg_eventserv_listener_allocated", absolute = true, unit = MetricUnits.BYTES,
            description = "bytes the listener thread allocated since it started (monotonic; -1 when not counted)")
    public long listenerAllocatedBytes() {
        return listener.listenerAllocatedBytes();
    }

    @Gauge(name = "pg_eventserv_canary_round_trip", absolute = true, unit = MetricUnits.SECONDS,
            description = "round trip of the last canary notification the server sent itself")
    public double canaryRoundTrip() {
        return listener.canaryRoundTripSeconds();
    }

    @Gauge(name = "pg_eventserv_send_path", absolute = true, unit = MetricUnits.NONE, tags = "path=direct",
            description = SEND_PATH)
    public long directSendPath() {
        return "direct".equals(sendPath.path()) ? 1 : 0;
    }

    @Gauge(name = "pg_eventserv_send_path", absolute = true, unit = MetricUnits.NONE, tags = "path=raw",
            description = SEND_PATH)
    public long rawSendPath() {
        return "raw".equals(sendPath.path()) ? 1 : 0;
    }

    @Gauge(name = "pg_eventserv_send_path", absolute = true, unit = MetricUnits.NONE, tags = "path=portable",
            description = SEND_PATH)
    public long portableSendPath() {
        return "portable".equals(sendPath.path()) ? 1 : 0;
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=missing",
            description = REFUSALS)
    public long refusalsMissing() {
        return authorizer.refusals(Denial.MISSING);
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=invalid",
            description = REFUSALS)
    public long refusalsInvalid() {
        return authorizer.refusals(Denial.INVALID);
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=expired",
            description = REFUSALS)
    public long refusalsExpired() {
        return authorizer.refusals(Denial.EXPIRED);
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=channel",
            description = REFUSALS)
    public long refusalsChannel() {
        return authorizer.refusals(Denial.CHANNEL);
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=function",
            description = REFUSALS)
    public long refusalsFunction() {
        return authorizer.refusals(Denial.FUNCTION);
    }

    @Gauge(name = "pg_eventserv_auth_refusals", absolute = true, unit = MetricUnits.NONE, tags = "reason=function_failed",
            description = REFUSALS)
    public long refusalsFunctionFailed() {
        return authorizer.refusals(Denial.FUNCTION_FAILED);
    }

    @Gauge(name = "pg_eventserv_durable_events_delivered", absolute = true, unit = MetricUnits.NONE,
            description = "durable events read from the durable events' table and delivered to their channel's clients,"
                    + " each once however many clients (monotonic)")
    public long durableEventsDelivered() {
        return relay.counters().durableReleased();
    }

    @Gauge(name = "pg_eventserv_durable_table_reads", absolute = true, unit = MetricUnits.NONE,
            description = "queries reading the durable events' table since start (monotonic)")
    public long durableTableReads() {
        DurableEvents events = durableStore.events();
        return events == null ? 0 : events.reads();
    }

    @Gauge(name = "pg_eventserv_durable_table_read_failures", absolute = true, unit = MetricUnits.NONE,
            description = "queries reading the durable events' table that failed since start; clients got a gap instead (monotonic)")
    public long durableTableReadFailures() {
        DurableEvents events = durableStore.events();
        return events == null ? 0 : events.readFailures();
    }

    @Gauge(name = "pg_eventserv_durable_rows_read", absolute = true, unit = MetricUnits.NONE,
            description = "rows read from the durable events' table since start, for delivery and resumes (monotonic)")
    public long durableRowsRead() {
        DurableEvents events = durableStore.events();
        return events == null ? 0 : events.rowsRead();
    }

    @Gauge(name = "pg_eventserv_durable_resume_reads", absolute = true, unit = MetricUnits.NONE,
            description = "resumes that read their durable events from the durable events' table, history not reaching back (monotonic)")
    public long durableResumeReads() {
        return relay.counters().resumeReads();
    }

    @Gauge(name = "pg_eventserv_durable_references_ignored", absolute = true, unit = MetricUnits.NONE,
            description = "durable hints (NOTIFYs shaped as references) that named no transaction of their channel"
                    + " committed by their sender: forged, absurd or foreign, or sent while durable events are off;"
                    + " nothing was delivered for them (monotonic)")
    public long durableReferencesIgnored() {
        return relay.counters().referencesIgnored();
    }

    @Gauge(name = "pg_eventserv_durable_gaps", absolute = true, unit = MetricUnits.NONE,
            description = "durable reads given up (failed, or not back within 30 s): their channels' clients were told"
                    + " of a gap and the channel went on (monotonic)")
    public long durableGaps() {
        return relay.counters().durableGaps();
    }

    @Gauge(name = "pg_eventserv_durable_table_reachable", absolute = true, unit = MetricUnits.NONE,
            description = "1 when the last query on the durable events' table (a read or the retention's delete) worked;"
                    + " 0 when it failed, the schema is not installed, or none ran yet")
    public long durableTableReachable() {
        return durableStore.table().reachable() ? 1 : 0;
    }

    @Gauge(name = "pg_eventserv_durable_schema_ready", absolute = true, unit = MetricUnits.NONE,
            description = "1 when the check at start found the durable events' schema installed at this server's version,"
                    + " its events readable and deletable by the server's role; 0 when it is missing, of another version,"
                    + " out of reach of the role, or not checked yet (the log says what to run)")
    public long durableSchemaReady() {
        return durableStore.schemaFinding() == DurableSchemaCheck.Finding.READY ? 1 : 0;
    }
}
