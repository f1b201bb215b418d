package dev.mailbridge.identity.http;

import dev.mailbridge.identity.Pem;
import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a connection reaches Microsoft (or Exchange Server): proxy, no-proxy hosts, extra trusted CAs and
 * timeouts. Immutable; used for token requests (see {@code dev.mailbridge.identity.entra}) and by the mail
 * transports through {@link #sslContext()}, {@link #proxySelector()} and {@link #newHttpClient()}.
 * TLS certificate and host name verification are always on; there is no switch to turn them off.
 */
public final class HttpSettings {
    static {
        ProxyTunnelling.allowBasic();
    }

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpSettings DEFAULTS = builder().build();

    private final Optional<ProxyConfig> proxy;
    private final NoProxyList noProxy;
    private final List<X509Certificate> extraCas;
    private final TrustMode trustMode;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLContext sslContext;
    private final SettingsProxySelector proxySelector;
    private final ProxyCredentials proxyCredentials;
    private volatile HttpClient shared;

    private HttpSettings(Builder b) {
        this.proxy = Optional.ofNullable(b.proxy);
        this.noProxy = b.noProxy;
        this.extraCas = List.copyOf(b.extraCas);
        this.trustMode = b.trustMode;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.sslContext = TrustStores.sslContext(extraCas, trustMode);
        this.proxySelector = new SettingsProxySelector(b.proxy, noProxy);
        this.proxyCredentials = b.proxy != null && b.proxy.hasCredentials() ? new ProxyCredentials(b.proxy) : null;
    }

    /** Direct connections, the JDK's trusted CAs, default timeouts. */
    public static HttpSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.proxy = proxy.orElse(null);
        b.noProxy = noProxy;
        b.extraCas.addAll(extraCas);
        b.trustMode = trustMode;
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        return b;
    }

    /** TLS context trusting the JDK's CAs and/or the extra ones, per {@link TrustMode}. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Proxy for every host except the no-proxy list; {@code NO_PROXY} for all when no proxy is set. */
    public ProxySelector proxySelector() {
        return proxySelector;
    }

    /** A java.net.Authenticator that answers only the configured proxy's 407, if it has credentials. */
    public Optional<java.net.Authenticator> proxyAuthenticator() {
        return Optional.ofNullable(proxyCredentials);
    }

    public Optional<ProxyConfig> proxy() {
        return proxy;
    }

    public NoProxyList noProxy() {
        return noProxy;
    }

    public List<X509Certificate> extraTrustedCas() {
        return extraCas;
    }

    public TrustMode trustMode() {
        return trustMode;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The limit for a whole response, applied per request ({@link java.net.http.HttpRequest.Builder#timeout}). */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * A client builder with these settings applied (TLS, proxy, proxy credentials, connect timeout, no
     * redirects); transports may add their own options before building.
     */
    public HttpClient.Builder newHttpClientBuilder() {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .sslContext(sslContext)
                .proxy(proxySelector)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        proxyAuthenticator().ifPresent(builder::authenticator);
        return builder;
    }

    public HttpClient newHttpClient() {
        return newHttpClientBuilder().build();
    }

    /** One client per settings object, shared by all token requests made with it. */
    public HttpClient sharedHttpClient() {
        HttpClient c = shared;
        if (c == null) {
            synchronized (this) {
                c = shared;
                if (c == null) {
                    shared = c = newHttpClient();
                }
            }
        }
        return c;
    }

    /**
     * Sends with {@link #sharedHttpClient()} and explains proxy authentication failures: a 407 answer, or the
     * JDK giving up after the proxy refused its credentials (whose own exception may not say so), becomes a
     * {@link ProxyAuthenticationException} naming the proxy and what to fix.
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        int asksBefore = proxyCredentials == null ? 0 : proxyCredentials.asks();
        HttpResponse<T> response;
        try {
            response = sharedHttpClient().send(request, handler);
        } catch (IOException failure) {
            throw explain(failure, asksBefore);
        }
        if (response.statusCode() == 407 && proxy.isPresent()) {
            throw ProxyAuthenticationException.of(proxy.get(), proxyCredentials != null && proxyCredentials.wasAsked());
        }
        return response;
    }

    private IOException explain(IOException failure, int asksBefore) {
        if (proxy.isEmpty()) {
            return failure;
        }
        String message = String.valueOf(failure.getMessage());
        boolean refused = proxyCredentials != null && proxyCredentials.asks() - asksBefore >= 2;
        if (refused || message.contains("too many authentication attempts") || message.contains("407")) {
            ProxyAuthenticationException explained = ProxyAuthenticationException.of(
                    proxy.get(), proxyCredentials != null && proxyCredentials.wasAsked());
            explained.initCause(failure);
            return explained;
        }
        return failure;
    }

    @Override
    public String toString() {
        return "HttpSettings[proxy=" + proxy.map(ProxyConfig::toString).orElse("none") + ", noProxy=" + noProxy
                + ", extraCas=" + extraCas.size() + " (" + trustMode + "), connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + "]";
    }

    /** Builder; every setter validates at once so that a bad setting fails where it is read. */
    public static final class Builder {
        private ProxyConfig proxy;
        private NoProxyList noProxy = NoProxyList.empty();
        private final List<X509Certificate> extraCas = new ArrayList<>();
        private TrustMode trustMode = TrustMode.ADD_TO_JDK_DEFAULTS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;

        private Builder() {}

        public Builder proxy(String host, int port) {
            this.proxy = new ProxyConfig(host, port, Optional.empty(), Optional.empty());
            return this;
        }

        public Builder proxy(String host, int port, String username, Secret password) {
            this.proxy = new ProxyConfig(host, port, Optional.of(username), Optional.of(password));
            return this;
        }

        public Builder proxy(ProxyConfig proxy) {
            this.proxy = proxy;
            return this;
        }

        public Builder noProxy(List<String> hosts) {
            this.noProxy = NoProxyList.of(hosts);
            return this;
        }

        public Builder noProxy(NoProxyList hosts) {
            this.noProxy = Objects.requireNonNull(hosts);
            return this;
        }

        /** Adds the CA certificates of a PEM bundle. */
        public Builder trustPem(Path pemBundle) throws IOException {
            extraCas.addAll(Pem.certificates(pemBundle));
            return this;
        }

        /** Adds the CA certificates in PEM text (e.g. pasted into the admin UI). */
        public Builder trustPem(String pemText) {
            List<X509Certificate> certs = Pem.certificates(pemText);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("No certificate found in the PEM text");
            }
            extraCas.addAll(certs);
            return this;
        }

        public Builder trustMode(TrustMode mode) {
            this.trustMode = Objects.requireNonNull(mode);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "read timeout");
            return this;
        }

        public HttpSettings build() {
            if (trustMode == TrustMode.REPLACE_JDK_DEFAULTS && extraCas.isEmpty()) {
                throw new IllegalArgumentException("Replacing the JDK's trusted CAs needs at least one CA certificate");
            }
            return new HttpSettings(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("The " + what + " must be positive");
            }
            return d;
        }
    }
}
