package pgeventserv.servers;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link DeployedServer} only when {@code it.base.url} is set; the build's profile
 * {@code payara-micro}, which brings the Payara Micro adapter, is active only when it is not, so exactly one
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
