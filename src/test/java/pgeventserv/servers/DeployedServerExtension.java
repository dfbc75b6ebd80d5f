package pgeventserv.servers;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link DeployedServer} only when {@code it.base.url} is set; the build then leaves the
 * Payara Micro adapter off the test class path (profile {@code deployed-server}), so exactly one
 * container adapter is present either way.
 */
public class DeployedServerExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if (System.getProperty(DeployedServer.BASE_URL) != null) {
            builder.service(DeployableContainer.class, DeployedServer.class);
        }
    }
}
