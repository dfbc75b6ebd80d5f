package pgeventserv.access;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code Channels} allow-list: a channel may be listened to when any pattern matches it. */
@ApplicationScoped
public class ChannelPolicy {

    @Inject
    @ConfigProperty(name = "Channels")
    List<String> patterns;

    private List<Glob> globs;

    @PostConstruct
    void compile() {
        globs = patterns.stream().map(Glob::new).toList();
    }

    public boolean allows(String channel) {
        for (Glob glob : globs) {
            if (glob.matches(channel)) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        return patterns;
    }
}
