package pgeventserv.access;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code CORSOrigins}: the web pages allowed to open sockets here and to fetch the viewer, as glob
 * patterns on the {@code Origin} header ({@code https://*.example.com}); {@code *} allows every page.
 * Origins are compared in lower case, as browsers send them. A request without an {@code Origin}
 * comes from no browser page (curl, a server-side client), which could send any Origin it liked, so it is allowed.
 */
@ApplicationScoped
public class OriginPolicy {

    @Inject
    @ConfigProperty(name = "CORSOrigins")
    List<String> patterns;

    private boolean any;
    private List<Glob> globs;

    @PostConstruct
    void compile() {
        any = patterns.contains("*");
        globs = patterns.stream().map(p -> new Glob(p.toLowerCase(Locale.ROOT))).toList();
    }

    /** Whether every page may connect ({@code *}): then no cookie may stand for a client. */
    public boolean anyOrigin() {
        return any;
    }

    public boolean allows(String origin) {
        if (origin == null || any) {
            return true;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        return globs.stream().anyMatch(g -> g.matches(o));
    }

    /** The {@code Access-Control-Allow-Origin} a response to this origin carries, if any. */
    public Optional<String> allowOriginHeader(String origin) {
        if (any) {
            return Optional.of("*");
        }
        return origin != null && allows(origin) ? Optional.of(origin) : Optional.empty();
    }
}
