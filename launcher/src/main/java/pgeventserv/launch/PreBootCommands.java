package pgeventserv.launch;

/**
 * The asadmin commands Payara Micro runs before it starts its listeners: the address they bind
 * ({@code HttpHost}), for which Payara Micro has no command-line option, and what it would start that this
 * server never uses.
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

    static String render(String host) {
        String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return "set " + LISTENER + "http-listener.address=" + address + "\n"
                + "set " + LISTENER + "https-listener.address=" + address + "\n"
                + NO_OPENAPI + "\n";
    }
}
