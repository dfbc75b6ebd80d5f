package pgeventserv.launch;

/**
 * The asadmin commands Payara Micro runs before it starts its listeners: the address they bind
 * ({@code HttpHost}), for which Payara Micro has no command-line option, what it would start that this
 * server never uses, and the listeners kept closed until the application is deployed ({@link #openListeners}, run
 * after the deployment).
 *
 * <p>Why closed: Payara Micro opens its ports early in the boot and answers 404 until the WAR is deployed. An
 * {@code EventSource} (a browser's, or any client that follows the WHATWG rules) retries while a port refuses
 * connections, but gives up for good on any answer other than {@code 200 text/event-stream}: every browser tab
 * reconnecting during a restart would stop listening. A refused connection is retried; a 404 is not.
 */
final class PreBootCommands {

    private static final String LISTENER = "configs.config.server-config.network-config.network-listeners.network-listener.";

    /**
     * MicroProfile OpenAPI: a document of the application's JAX-RS resources, and it has none. Off, it no longer
     * scans the WAR as it deploys; and with no virtual server its endpoint, a Jersey application Payara adds to
     * any WAR at the root context, is not built at every start (some 5 % of a start's CPU).
     */
    static final String NO_OPENAPI = "set-openapi-configuration --enabled=false --virtualServers=none";

    private PreBootCommands() {
    }

    static String render(String host, boolean https) {
        String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return "set " + LISTENER + "http-listener.address=" + address + "\n"
                + "set " + LISTENER + "https-listener.address=" + address + "\n"
                + NO_OPENAPI + "\n"
                + listeners(false, https);
    }

    /** The post-deployment commands: the listeners open once the application can answer. */
    static String openListeners(boolean https) {
        return listeners(true, https);
    }

    private static String listeners(boolean enabled, boolean https) {
        return "set " + LISTENER + "http-listener.enabled=" + enabled + "\n"
                + (https ? "set " + LISTENER + "https-listener.enabled=" + enabled + "\n" : "");
    }
}
