package dev.mailbridge.identity.http;

/**
 * Lets the JDK send Basic credentials to a proxy on the CONNECT request that opens an HTTPS tunnel.
 *
 * <p>Since JDK 8u111 the JDK's net.properties sets {@code jdk.http.auth.tunneling.disabledSchemes=Basic},
 * so java.net.http (and HttpURLConnection) silently drop Basic proxy credentials for tunnels, even a
 * pre-set {@code Proxy-Authorization} header, and the proxy keeps answering 407. Corporate proxies that
 * Mailbridge must pass often speak only Basic. The JDK reads the property once, when its HTTP client
 * classes first load; so we set it, if the operator has not, as soon as {@link HttpSettings} loads,
 * which in a Mailbridge process is before any HTTP client exists.
 *
 * <p>An operator who wants the JDK default back starts the JVM with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=Basic}; Basic proxy authentication then fails with a
 * {@link ProxyAuthenticationException} that says so. If some other code built a java.net.http client
 * before this class loaded, the same message tells the operator to pass
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (empty) on the command line.
 */
final class ProxyTunnelling {
    static final String PROPERTY = "jdk.http.auth.tunneling.disabledSchemes";

    private ProxyTunnelling() {}

    static void allowBasic() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "");
        }
    }
}
