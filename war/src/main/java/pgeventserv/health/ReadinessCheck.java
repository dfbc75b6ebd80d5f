package pgeventserv.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import pgeventserv.postgres.NotificationListener;

/** {@code /health/ready}: up only while the LISTEN connection is up and the listener's canary comes back. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    NotificationListener listener;
    // The listener bean itself (NotificationListener#direct): the answer reads what its thread published, with no
    // container call, so it is not queued behind the handshakes of a burst.
    private volatile NotificationListener direct;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("pg_eventserv LISTEN connection");
        try {
            NotificationListener l = listener();
            return response.status(l.ready())
                    .withData("state", l.state().name())
                    .withData("stalled", l.stalled())
                    .withData("canaryRoundTripSeconds", String.valueOf(l.canaryRoundTripSeconds()))
                    .build();
        } catch (RuntimeException e) {
            // Asked while the application is still deploying: the listener EJB refuses calls until it has started.
            return response.down().withData("state", "STARTING").build();
        }
    }

    private NotificationListener listener() {
        NotificationListener d = direct;
        if (d == null) {
            direct = d = listener.direct();
        }
        return d;
    }
}
