package dev.mailbridge.ews;

import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.XmlLimits;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One EWS endpoint and everything shared by the mailboxes on it: the HTTP client (proxy, trust, TLS
 * verification from {@link HttpSettings}), the schema version, retry and throttling policy, the
 * hardened XML factories and the per-mailbox gates. Thread-safe; create one per endpoint and reuse it.
 * {@link #client(SignIn)} gives the client for one mailbox.
 */
public final class EwsProtocol {
    /** Exchange Online allows 27 concurrent requests per user; stay below. */
    public static final int EXCHANGE_ONLINE_CONCURRENCY = 27;
    /** Streaming connections Exchange Online allows per account. */
    public static final int EXCHANGE_ONLINE_STREAMING_CONNECTIONS = 10;
    /** Streaming connections Exchange Server allows per account by default (its throttling policy). */
    public static final int EXCHANGE_SERVER_STREAMING_CONNECTIONS = 3;

    final URI endpoint;
    final HttpClient http;
    final ExchangeVersion version;
    final String userAgent;
    final int maxConcurrentPerMailbox;
    final int maxStreamingConnections;
    final Duration retryBudget;
    final Duration requestTimeout;
    final EwsXml xml;
    final RequestObserver observer;
    private final ConcurrentMap<String, MailboxGate> gates = new ConcurrentHashMap<>();

    private EwsProtocol(Builder b) {
        this.endpoint = b.endpoint;
        // HTTP/1.1, as Exchange's own clients use (NTLM-era IIS set-ups, long-lived streaming responses).
        this.http = b.http != null
                ? b.http
                : b.settings
                        .newHttpClientBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
        this.version = b.version;
        this.userAgent = b.userAgent;
        this.maxConcurrentPerMailbox = b.maxConcurrentPerMailbox;
        this.maxStreamingConnections = b.maxStreamingConnections;
        this.retryBudget = b.retryBudget;
        this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : b.settings.readTimeout();
        this.xml = new EwsXml(b.limits);
        this.observer = b.observer;
    }

    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /** The client for one mailbox (or one end-user account). Cheap; clients share this protocol's state. */
    public EwsClient client(SignIn signIn) {
        return new EwsClient(this, signIn);
    }

    public URI endpoint() {
        return endpoint;
    }

    public ExchangeVersion version() {
        return version;
    }

    MailboxGate gate(String key) {
        return gates.computeIfAbsent(key, k -> new MailboxGate(maxConcurrentPerMailbox, maxStreamingConnections));
    }

    public static final class Builder {
        private final URI endpoint;
        private HttpSettings settings = HttpSettings.defaults();
        private HttpClient http;
        private ExchangeVersion version = ExchangeVersion.EXCHANGE2013_SP1;
        private String userAgent = "Mailbridge-EWS/0.1";
        private int maxConcurrentPerMailbox = 10;
        private int maxStreamingConnections = EXCHANGE_ONLINE_STREAMING_CONNECTIONS;
        private Duration retryBudget = Duration.ofSeconds(60);
        private Duration requestTimeout;
        private XmlLimits limits = XmlLimits.defaults();
        private RequestObserver observer;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("The EWS URL must be http(s): " + endpoint);
            }
        }

        /** Proxy, trusted CAs and timeouts; TLS certificates are always verified. */
        public Builder httpSettings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /** A ready HTTP client (overrides {@link #httpSettings}'s client; its timeouts still apply). */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        /** RequestServerVersion; default Exchange2013_SP1 (works on 2013, 2016, 2019, SE and Exchange Online). */
        public Builder version(ExchangeVersion version) {
            this.version = Objects.requireNonNull(version);
            return this;
        }

        /** A stable, identifiable User-Agent: tenant EWS allow/block lists match on it. */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent);
            return this;
        }

        /** Concurrent requests per mailbox, 1-26 (Exchange Online's limit is 27); default 10. */
        public Builder maxConcurrentRequestsPerMailbox(int n) {
            if (n < 1 || n >= EXCHANGE_ONLINE_CONCURRENCY) {
                throw new IllegalArgumentException("Concurrent requests per mailbox must be 1-26");
            }
            this.maxConcurrentPerMailbox = n;
            return this;
        }

        /**
         * Streaming connections this client keeps open at once per account: Exchange Online allows 10
         * (the default), Exchange Server 3 unless its throttling policy says otherwise. Past it, the
         * client refuses to open another instead of letting Exchange fail one; put more subscriptions
         * into one GetStreamingEvents request instead.
         */
        public Builder maxStreamingConnectionsPerAccount(int n) {
            if (n < 1 || n > EXCHANGE_ONLINE_STREAMING_CONNECTIONS) {
                throw new IllegalArgumentException("Streaming connections per account must be 1-10");
            }
            this.maxStreamingConnections = n;
            return this;
        }

        /** How long one call may spend waiting and retrying (back-off, 503s, resets); default 60 s. */
        public Builder retryBudget(Duration budget) {
            this.retryBudget = Objects.requireNonNull(budget);
            return this;
        }

        /** Limit for one HTTP exchange; default the HttpSettings read timeout. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder xmlLimits(XmlLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** Sees every request before it is sent (tests validate them against Microsoft's schema). */
        public Builder requestObserver(RequestObserver observer) {
            this.observer = observer;
            return this;
        }

        public EwsProtocol build() {
            return new EwsProtocol(this);
        }
    }
}
