package dev.mailbridge.identity.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends every host through the configured proxy except those on the no-proxy list. */
final class SettingsProxySelector extends ProxySelector {
    private static final Logger log = LoggerFactory.getLogger(SettingsProxySelector.class);

    private final ProxyConfig proxy;
    private final NoProxyList noProxy;

    SettingsProxySelector(ProxyConfig proxy, NoProxyList noProxy) {
        this.proxy = proxy;
        this.noProxy = noProxy;
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (proxy == null || noProxy.bypasses(uri.getHost())) {
            return List.of(Proxy.NO_PROXY);
        }
        // Unresolved: the proxy's name is looked up when connecting, so DNS changes are followed.
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port())));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress proxyAddress, IOException failure) {
        log.warn("Could not reach {} through proxy {}: {}", uri.getHost(), proxyAddress, failure.toString());
    }
}
