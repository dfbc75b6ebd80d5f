package pgeventserv.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting of pg_eventserv, declared once with its default and its help text.
 * The names are the keys of {@code pg_eventserv.toml} and of MicroProfile Config;
 * {@link #envName()} is the {@code ES_}-prefixed environment override the original Go server reads.
 */
public enum Setting {
    DB_CONNECTION("DbConnection", null,
            "PostgreSQL URL (postgresql://user:pass@host:port/db) or libpq key=value string; DATABASE_URL overrides it"),
    HTTP_HOST("HttpHost", "0.0.0.0", "address the HTTP server binds"),
    HTTP_PORT("HttpPort", "7700", "HTTP port"),
    HTTPS_PORT("HttpsPort", "7701", "HTTPS port, used when both TLS files are set"),
    TLS_CERTIFICATE("TlsServerCertificateFile", null, "PEM certificate chain for HTTPS"),
    TLS_PRIVATE_KEY("TlsServerPrivateKeyFile", null, "PEM private key for HTTPS"),
    CORS_ORIGINS("CORSOrigins", "*", "Origin values allowed to open sockets and load the viewer"),
    DEBUG("Debug", "false", "log every LISTEN, UNLISTEN, connect, disconnect and refusal"),
    URL_BASE("UrlBase", null, "public base URL the viewer builds WebSocket URLs from (default: from the request)"),
    BASE_PATH("BasePath", "/", "prefix of every route"),
    ASSETS_PATH("AssetsPath", null, "directory whose index.html replaces the built-in viewer"),
    DB_POOL_MAX_CONNS("DbPoolMaxConns", "4", "maximum size of the server's connection pool (one connection is held for LISTEN)"),
    DB_POOL_MAX_CONN_LIFETIME("DbPoolMaxConnLifeTime", "1h", "accepted for compatibility; the LISTEN connection lives until it fails"),
    CHANNELS("Channels", "*", "allowed channel glob patterns (*, ?, [...]), anchored and case-sensitive"),
    SESSION_QUEUE_MESSAGES("SessionQueueMessages", "10000", "messages queued for one client before it is closed as too slow"),
    SESSION_QUEUE_BYTES("SessionQueueBytes", "16777216", "payload bytes queued for one client before it is closed as too slow"),
    PING_INTERVAL("PingInterval", "30s", "how often clients are pinged so dead peers are found"),
    MAX_SESSIONS("MaxSessions", "10000", "open WebSocket sessions at most; further upgrades get 503"),
    DATA_SOURCE("DataSource", "java:comp/env/jdbc/eventserv", "JNDI name of the server's PostgreSQL DataSource");

    private final String key;
    private final String defaultValue;
    private final String help;

    Setting(String key, String defaultValue, String help) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    /** The canonical (MicroProfile Config) property name. */
    public String key() {
        return key;
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

    /** Keys are case-insensitive, as in the original: {@code httpport} names {@code HttpPort}. */
    public static Optional<Setting> byKey(String name) {
        for (Setting s : values()) {
            if (s.key.equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
