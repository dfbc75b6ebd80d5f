package pgeventserv.servers;

import java.net.URI;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;

/**
 * The Arquillian container for a server that already runs {@code target/pg_eventserv.war} at the root context,
 * deployed by the server's own tools (scripts/servers/*, following server-config/*): the same
 * {@code testable = false} integration tests then run against Payara Server, WildFly or Open Liberty.
 * Deploying is only pointing the tests at {@code it.base.url}: the archive a test builds is not sent, so what
 * is tested is exactly the WAR the administrator deployed.
 */
public class DeployedServer implements DeployableContainer<DeployedServer.Configuration> {

    /** The server's base URL, e.g. {@code http://127.0.0.1:9314/}. Setting it selects this container. */
    public static final String BASE_URL = "it.base.url";

    /** Nothing to configure in arquillian.xml: the URL comes from the system property. */
    public static class Configuration implements ContainerConfiguration {
        @Override
        public void validate() {
            if (System.getProperty(BASE_URL) == null) {
                throw new IllegalStateException("set -D" + BASE_URL + " to the deployed server's base URL");
            }
        }
    }

    @Override
    public Class<Configuration> getConfigurationClass() {
        return Configuration.class;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Local");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) {
        URI base = URI.create(System.getProperty(BASE_URL));
        HTTPContext http = new HTTPContext(base.getHost(), base.getPort());
        http.add(new Servlet("pg_eventserv", "/"));
        return new ProtocolMetaData().addContext(http);
    }

    @Override
    public void undeploy(Archive<?> archive) {
        // The administrator's deployment stays; the script that made it removes the server.
    }
}
