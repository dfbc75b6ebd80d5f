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

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("pg_eventserv LISTEN connection");
        try {
            return response.status(listener.ready())
                    .withData("state", listener.state().name())
                    .withData("canaryRoundTripSeconds", String.valueOf(listener.canaryRoundTripSeconds()))
                    .build();
        } catch (RuntimeException e) {
            // Asked while the application is still deploying: the listener EJB refuses calls until it has started.
            return response.down().withData("state", "STARTING").build();
        }
    }
}
