package pgeventserv.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every setting of pg_eventserv, declared once with its kind, its default and its help text.
 * The names are the keys of {@code pg_eventserv.toml} and of MicroProfile Config;
 * {@link #envName()} is the {@code ES_}-prefixed environment override the original Go server reads.
 */
public enum Setting {
    DB_CONNECTION("DbConnection", Kind.TEXT, null,
            "PostgreSQL URL (postgresql://user:pass@host:port/db) or libpq key=value string; DATABASE_URL overrides it"),
    HTTP_HOST("HttpHost", Kind.HOST, "0.0.0.0", "address the HTTP and HTTPS listeners bind"),
    HTTP_PORT("HttpPort", Kind.PORT, "7700", "HTTP port"),
    HTTPS_PORT("HttpsPort", Kind.PORT, "7701", "HTTPS port, used when both TLS files are set"),
    TLS_CERTIFICATE("TlsServerCertificateFile", Kind.TEXT, null, "PEM certificate (chain) for HTTPS and wss://"),
    TLS_PRIVATE_KEY("TlsServerPrivateKeyFile", Kind.TEXT, null, "PEM private key (PKCS#8, RSA or EC) of that certificate"),
    CORS_ORIGINS("CORSOrigins", Kind.LIST, "*", "Origin values (globs) allowed to open sockets and fetch the viewer"),
    DEBUG("Debug", Kind.FLAG, "false", "log every LISTEN, UNLISTEN, connect, disconnect and refusal"),
    URL_BASE("UrlBase", Kind.URL, null, "public base URL the viewer builds WebSocket URLs from (default: the page's own)"),
    BASE_PATH("BasePath", Kind.PATH, "/", "prefix of every route, the viewer included"),
    ASSETS_PATH("AssetsPath", Kind.TEXT, null, "directory served at the root; its index.html replaces the built-in viewer"),
    DB_POOL_MAX_CONNS("DbPoolMaxConns", Kind.COUNT, "4", "maximum size of the server's connection pool (one connection is held for LISTEN)"),
    DB_POOL_MAX_CONN_LIFETIME("DbPoolMaxConnLifeTime", Kind.DURATION, "1h", "pooled connections idle this long are closed (the LISTEN connection is held)"),
    CHANNELS("Channels", Kind.LIST, "*", "allowed channel glob patterns (*, ?, [...]), anchored and case-sensitive"),
    SESSION_QUEUE_MESSAGES("SessionQueueMessages", Kind.COUNT, "10000", "messages queued for one client before it is closed as too slow"),
    SESSION_QUEUE_BYTES("SessionQueueBytes", Kind.COUNT, "16777216", "payload bytes queued for one client before it is closed as too slow"),
    PING_INTERVAL("PingInterval", Kind.DURATION, "30s", "how often clients are pinged so dead peers are found"),
    MAX_SESSIONS("MaxSessions", Kind.COUNT, "10000", "open sessions (WebSocket and event streams) at most; further ones get 503"),
    HISTORY_MESSAGES("HistoryMessages", Kind.COUNT_OR_OFF, "1000", "notifications kept per channel for clients that resume with an id (0: none)"),
    HISTORY_BYTES("HistoryBytes", Kind.COUNT, "8388608", "payload bytes kept per channel for resuming clients"),
    HISTORY_AGE("HistoryAge", Kind.DURATION, "5m", "how long notifications are kept for resuming clients; a channel stays LISTENed this long after its last client"),
    MAX_CHANNELS_PER_SESSION("MaxChannelsPerSession", Kind.COUNT, "100", "channels one multiplexed session may subscribe to"),
    MAX_FILTERS_PER_SUBSCRIBER("MaxFiltersPerSubscriber", Kind.COUNT, "10", "conditions one filter list may have (a client's, a token's claim, an AuthorizeFunction's answer)"),
    MAX_CHANNELS("MaxChannels", Kind.COUNT, "10000", "channels LISTENed at once across all sessions; a new channel beyond it is refused (503) until one is released"),
    DURABLE_MAX_PAYLOAD_BYTES("DurableMaxPayloadBytes", Kind.COUNT, "1048576",
            "largest payload publish() takes (--install-sql writes it to the schema's settings table); bounds a read batch"),
    DURABLE_SCHEMA("DurableSchema", Kind.SCHEMA, null,
            "schema of the durable events (unset: eventserv); setting it makes a missing schema a warning at start"),
    DURABLE_RETENTION("DurableRetention", Kind.DURATION, "24h", "durable events older than this are deleted (by one instance at a time)"),
    JWT_SECRET("JwtSecret", Kind.TEXT, null, "shared secret of HS256/384/512 tokens; setting it (or JwtPublicKeyFile) turns authentication on"),
    JWT_PUBLIC_KEY_FILE("JwtPublicKeyFile", Kind.TEXT, null,
            "PEM public key, PEM certificate or JWKS file verifying RS*/ES*/PS* tokens; setting it turns authentication on"),
    JWT_ISSUER("JwtIssuer", Kind.TEXT, null, "the iss a token must carry (unset: not checked)"),
    JWT_AUDIENCE("JwtAudience", Kind.TEXT, null, "a value the token's aud must hold (unset: not checked)"),
    JWT_CHANNELS_CLAIM("JwtChannelsClaim", Kind.TEXT, "channels", "claim listing the channel globs a token may listen to"),
    JWT_QUERY_PARAMETER("JwtQueryParameter", Kind.TEXT, null,
            "query parameter a token may also come in (unset: tokens are never read from the URL, where logs keep them)"),
    AUTH_REQUIRED("AuthRequired", Kind.FLAG, null,
            "refuse clients without a token (default: true when a key is set); false gives them the rights of Channels"),
    AUTHORIZE_FUNCTION("AuthorizeFunction", Kind.TEXT, null,
            "SQL function (claims jsonb, channel text) returns boolean (or text[]: a filter, null refuses) that must also allow each channel of a token"),
    DATA_SOURCE("DataSource", Kind.TEXT, "java:comp/env/jdbc/eventserv", "JNDI name of the server's PostgreSQL DataSource"),
    LOG_FORMAT("LogFormat", Kind.TEXT, "plain", "log lines: plain (time level message) or json (one object a line)"),
    LOG_FILE("LogFile", Kind.TEXT, null,
            "file pg_eventserv.jar appends the server's whole log to (default: ~/.local/state/pg_eventserv/pg_eventserv-PORT.log)");

    /** What a value must look like; {@link #check} explains a bad one in words an operator understands. */
    public enum Kind {
        TEXT, HOST, PORT, COUNT, COUNT_OR_OFF, FLAG, DURATION, LIST, URL, PATH, SCHEMA
    }

    private final String key;
    private final Kind kind;
    private final String defaultValue;
    private final String help;

    Setting(String key, Kind kind, String defaultValue, String help) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    /** The canonical (MicroProfile Config) property name. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String help() {
        return help;
    }

    public String envName() {
        return "ES_" + key.toUpperCase(Locale.ROOT);
    }

    /** Every default, by key, in MicroProfile Config form: what {@link DefaultsConfigSource} serves. */
    public static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Setting s : values()) {
            s.defaultValue().ifPresent(d -> defaults.put(s.key, d));
        }
        return defaults;
    }

    /** Keys are case-insensitive, as in the original: {@code httpport} names {@code HttpPort}. */
    public static Optional<Setting> byKey(String name) {
        for (Setting s : values()) {
            if (s.key.equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * What a value written in a file or a system property means: {@link #check checked}, or empty for
     * "unset". The original's own defaults for its optional strings are empty strings
     * ({@code UrlBase = ""}, {@code TlsServerCertificateFile = ""}), and users copy them into their files; so for
     * every key whose value is text an empty string means unset (the default, where there is one).
     * A number, flag, duration or list cannot be empty.
     */
    public Optional<String> read(String value) {
        boolean text = kind == Kind.TEXT || kind == Kind.HOST || kind == Kind.URL || kind == Kind.PATH
                || kind == Kind.SCHEMA;
        return text && value.isBlank() ? Optional.empty() : Optional.of(check(value));
    }

    /**
     * The value as MicroProfile Config should see it (a {@code BasePath} gets its leading slash).
     *
     * @throws IllegalArgumentException saying what this key needs, when the value cannot be one
     */
    public String check(String value) {
        String v = value.trim();
        switch (kind) {
            case HOST -> {
                if (!v.matches("[A-Za-z0-9.:%_-]+|\\[[0-9A-Fa-f:.%]+]")) {
                    throw invalid(value, "a host name or IP address, such as 0.0.0.0 or 127.0.0.1");
                }
            }
            case PORT -> {
                long port = number(v);
                if (port < 1 || port > 65535) {
                    throw invalid(value, "a port number (1-65535)");
                }
            }
            case COUNT -> {
                long count = number(v);
                if (count < 1 || count > Integer.MAX_VALUE) {
                    throw invalid(value, "a whole number from 1 to " + Integer.MAX_VALUE);
                }
            }
            case COUNT_OR_OFF -> {
                long count = number(v);
                if (count < 0 || count > Integer.MAX_VALUE) {
                    throw invalid(value, "a whole number from 0 (off) to " + Integer.MAX_VALUE);
                }
            }
            case FLAG -> {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw invalid(value, "true or false");
                }
                return v.toLowerCase(Locale.ROOT);
            }
            case DURATION -> {
                try {
                    GoDuration.parse(v);
                } catch (IllegalArgumentException e) {
                    throw invalid(value, "a duration such as \"90s\", \"15m\" or \"1h30m\"");
                }
            }
            case URL -> {
                try {
                    URI uri = new URI(v);
                    if (!uri.isAbsolute() || uri.getHost() == null || !v.matches("(?i)(https?|wss?)://.*")) {
                        throw invalid(value, "an absolute http(s):// or ws(s):// URL");
                    }
                } catch (URISyntaxException e) {
                    throw invalid(value, "an absolute http(s):// or ws(s):// URL");
                }
            }
            case SCHEMA -> {
                if (v.startsWith("pg_")) {
                    throw invalid(value, "a schema name not beginning with pg_ (PostgreSQL reserves pg_ for its own schemas:"
                            + " only a superuser may create one, and pg_dump leaves it out), such as eventserv");
                }
                if (!v.matches("[a-z_][a-z0-9_]{0,62}")) {
                    throw invalid(value, "a schema name of lowercase letters, digits and _ (63 at most), such as eventserv");
                }
            }
            case PATH -> {
                if (v.contains("?") || v.contains("#") || v.contains("//") || v.contains(" ")) {
                    throw invalid(value, "a URL path such as \"/events\"");
                }
                String path = (v.startsWith("/") ? v : "/" + v).replaceAll("/+$", "");
                return path.isEmpty() ? "/" : path;
            }
            default -> {
                return value;
            }
        }
        return v;
    }

    /**
     * A list as MicroProfile Config takes it: items joined by commas, a comma inside an item escaped.
     * An empty list is refused: MicroProfile would read it as unset and fall back to the default, {@code *}.
     */
    public String checkList(Collection<String> items) {
        String joined = items.stream().filter(item -> !item.isEmpty()).map(item -> item.replace(",", "\\,"))
                .collect(Collectors.joining(","));
        if (joined.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one pattern (\"*\" allows all)");
        }
        return joined;
    }

    private long number(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(v, kind == Kind.PORT ? "a port number (1-65535)" : "a whole number from 1 to " + Integer.MAX_VALUE);
        }
    }

    private IllegalArgumentException invalid(String value, String expected) {
        return new IllegalArgumentException(key + " must be " + expected + ", not '" + value + "'");
    }
}
