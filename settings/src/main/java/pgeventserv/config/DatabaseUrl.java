package pgeventserv.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a database connection as libpq users write it: the URL form
 * {@code postgresql://user:pass@host:port/db?sslmode=require} or the key/value form
 * {@code host=db port=5432 dbname=app user=me password='s e c'}. What the string leaves out comes from
 * the libpq variables {@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE}, then libpq's defaults
 * (localhost, 5432, the operating-system user, a database named as the user).
 *
 * <p>Errors never repeat the input, which may hold a password.
 */
public final class DatabaseUrl {

    /** Options passed on to pgjdbc's DataSource; other libpq options are refused rather than silently dropped. */
    private static final Map<String, String> OPTIONS = Map.of(
            "sslmode", "sslMode",
            "application_name", "applicationName",
            "connect_timeout", "connectTimeout",
            "sslrootcert", "sslRootCert",
            "sslcert", "sslCert",
            "sslkey", "sslKey",
            "options", "options");
    private static final Set<String> KEYS = Set.of("host", "hostaddr", "port", "dbname", "user", "password");

    private DatabaseUrl() {
    }

    public static ConnectionSettings parse(String text, Map<String, String> env, String osUser) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            String trimmed = text.trim();
            if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
                parseUrl(trimmed, values);
            } else if (trimmed.contains("=")) {
                parseKeyValues(trimmed, values);
            } else {
                throw new IllegalArgumentException(
                        "the database connection is neither a postgresql:// URL nor a libpq key=value string");
            }
        }
        String host = first(values.get("host"), values.get("hostaddr"), env.get("PGHOST"), "localhost");
        if (host.startsWith("/")) {
            throw new IllegalArgumentException("Unix-domain sockets (host=" + host + ") are not supported: use a TCP host");
        }
        if (host.contains(",")) {
            throw new IllegalArgumentException("several hosts are not supported: name one");
        }
        String portText = first(values.get("port"), env.get("PGPORT"), "5432");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the database port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the database port " + port + " is out of range");
        }
        String user = first(values.get("user"), env.get("PGUSER"), osUser);
        String database = first(values.get("dbname"), env.get("PGDATABASE"), user);
        String password = Objects.requireNonNullElse(first(values.get("password"), env.get("PGPASSWORD")), "");
        Map<String, String> options = new LinkedHashMap<>();
        if (!values.containsKey("sslmode") && env.get("PGSSLMODE") != null) {
            values.put("sslmode", env.get("PGSSLMODE"));
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                String property = OPTIONS.get(e.getKey());
                if (property == null) {
                    throw new IllegalArgumentException("the database option '" + e.getKey() + "' is not supported; supported: "
                            + String.join(", ", OPTIONS.keySet()));
                }
                options.put(property, e.getValue());
            }
        }
        return new ConnectionSettings(host, port, database, user, password, options);
    }

    private static void parseUrl(String text, Map<String, String> values) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the database URL is malformed at character " + e.getIndex()
                    + " (" + e.getReason().replaceAll(":.*", "") + "); percent-encode special characters in the password");
        }
        String authority = uri.getRawAuthority();
        if (authority != null) {
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = authority.substring(0, at);
                int colon = userInfo.indexOf(':');
                putDecoded(values, "user", colon < 0 ? userInfo : userInfo.substring(0, colon));
                if (colon >= 0) {
                    putDecoded(values, "password", userInfo.substring(colon + 1));
                }
                authority = authority.substring(at + 1);
            }
            String host = authority;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                host = authority.substring(0, close + 1);
                authority = authority.substring(close + 1);
                if (authority.startsWith(":")) {
                    putDecoded(values, "port", authority.substring(1));
                }
            } else {
                int colon = authority.lastIndexOf(':');
                if (colon >= 0) {
                    host = authority.substring(0, colon);
                    putDecoded(values, "port", authority.substring(colon + 1));
                }
            }
            putDecoded(values, "host", host);
        }
        String path = uri.getRawPath();
        if (path != null && path.length() > 1) {
            putDecoded(values, "dbname", path.substring(1));
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("the database URL parameter '" + pair + "' has no value");
                }
                String key = decode(pair.substring(0, eq));
                if (key.equals("password")) {
                    putDecoded(values, "password", pair.substring(eq + 1));
                } else {
                    putDecoded(values, key, pair.substring(eq + 1));
                }
            }
        }
    }

    private static void putDecoded(Map<String, String> values, String key, String raw) {
        if (!raw.isEmpty()) {
            values.put(key, decode(raw));
        }
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the database URL has an invalid percent escape");
        }
    }

    /** libpq's conninfo syntax: {@code key = value} pairs, values optionally in single quotes with backslash escapes. */
    private static void parseKeyValues(String text, Map<String, String> values) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(keyStart, i);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == n || text.charAt(i) != '=') {
                throw new IllegalArgumentException("the database connection string has no '=' after '" + key + "'");
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(text.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("the database connection string has an unterminated quote in '" + key + "'");
                }
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
            }
            values.put(key, value.toString());
        }
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        return null;
    }
}
