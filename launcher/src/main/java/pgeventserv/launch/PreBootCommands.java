package pgeventserv.launch;

/**
 * The asadmin commands Payara Micro runs before it starts its listeners: the address they bind
 * ({@code HttpHost}). Payara Micro has no command-line option for it.
 */
final class PreBootCommands {

    private static final String LISTENER = "configs.config.server-config.network-config.network-listeners.network-listener.";

    private PreBootCommands() {
    }

    static String render(String host) {
        String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return "set " + LISTENER + "http-listener.address=" + address + "\n"
                + "set " + LISTENER + "https-listener.address=" + address + "\n";
    }
}
