package pgeventserv.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import pgeventserv.postgres.NotificationListener;

/**
 * {@code /health/live}: down only if the listener thread has died, which no reconnect can mend. A lost database
 * is not a reason to restart the server: it reconnects by itself, and readiness says so meanwhile.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    NotificationListener listener;

    @Override
    public HealthCheckResponse call() {
        boolean alive;
        try {
            alive = listener.alive();
        } catch (RuntimeException e) {
            alive = true; // still deploying: the listener EJB refuses calls until it has started
        }
        return HealthCheckResponse.named("pg_eventserv listener thread").status(alive).build();
    }
}
