package pgeventserv.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Debug} (or {@code --debug}): the application's loggers go to FINE, which logs every LISTEN,
 * UNLISTEN, connect, disconnect and refusal. Nothing is logged per message at any level.
 */
@ApplicationScoped
public class DebugLogging {

    static final String ROOT = "pgeventserv";
    private static final Logger LOG = Logger.getLogger(DebugLogging.class.getName());

    @Inject
    @ConfigProperty(name = "Debug")
    boolean debug;

    void apply(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Logger root = Logger.getLogger(ROOT);
        if (debug) {
            root.setLevel(Level.FINE);
            // Servers' console handlers usually pass INFO and above only.
            for (Logger l = root; l != null; l = l.getParent()) {
                for (Handler handler : l.getHandlers()) {
                    if (handler.getLevel().intValue() > Level.FINE.intValue()) {
                        handler.setLevel(Level.FINE);
                    }
                }
            }
        }
        LOG.info(() -> "pg_eventserv " + Version.current() + " started" + (debug ? " with debug logging" : ""));
    }
}
