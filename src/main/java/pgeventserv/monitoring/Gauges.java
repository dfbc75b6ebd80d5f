package pgeventserv.monitoring;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;
import pgeventserv.listen.Subscribers;
import pgeventserv.notification.NotificationListener;

/**
 * {@code /metrics} (application scope): the server's figures as MicroProfile Metrics gauges, read when scraped.
 * The counts are kept where they happen, in plain adders, and only read here: MicroProfile Metrics 5 has no
 * counter that reads a value, so the monotonic ones are gauges too (use {@code rate()} on them all the same).
 */
@ApplicationScoped
public class Gauges {

    @Inject
    Subscribers subscribers;

    @Inject
    NotificationListener listener;

    /** Gauges of an application-scoped bean are registered when it is made: make it at startup. */
    void register(@Observes Startup startup) {
        subscribers.sessions();
    }

    @Gauge(name = "pg_eventserv_sessions_open", absolute = true, unit = MetricUnits.NONE,
            description = "WebSocket sessions subscribed to a channel")
    public long sessionsOpen() {
        return subscribers.sessions();
    }

    @Gauge(name = "pg_eventserv_channels_listened", absolute = true, unit = MetricUnits.NONE,
            description = "channels LISTENed for subscribers")
    public long channelsListened() {
        return subscribers.channels();
    }

    @Gauge(name = "pg_eventserv_notifications_received", absolute = true, unit = MetricUnits.NONE,
            description = "notifications received from PostgreSQL since start (monotonic)")
    public long notificationsReceived() {
        return listener.notificationsReceived();
    }

    @Gauge(name = "pg_eventserv_frames_sent", absolute = true, unit = MetricUnits.NONE,
            description = "frames written to clients since start (monotonic)")
    public long framesSent() {
        return subscribers.framesSent();
    }

    @Gauge(name = "pg_eventserv_frames_dropped", absolute = true, unit = MetricUnits.NONE,
            description = "frames discarded with the queues of sessions closed as too slow (monotonic)")
    public long framesDropped() {
        return subscribers.framesDropped();
    }

    @Gauge(name = "pg_eventserv_sessions_closed_slow", absolute = true, unit = MetricUnits.NONE,
            description = "sessions closed because their queue overflowed (monotonic)")
    public long sessionsClosedSlow() {
        return subscribers.slowClosed();
    }

    @Gauge(name = "pg_eventserv_reconnects", absolute = true, unit = MetricUnits.NONE,
            description = "times the LISTEN connection came back after being down (monotonic)")
    public long reconnects() {
        return listener.reconnects();
    }

    @Gauge(name = "pg_eventserv_canary_round_trip", absolute = true, unit = MetricUnits.SECONDS,
            description = "round trip of the last canary notification the server sent itself")
    public double canaryRoundTrip() {
        return listener.canaryRoundTripSeconds();
    }
}
