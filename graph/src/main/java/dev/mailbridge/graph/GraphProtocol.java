package dev.mailbridge.graph;

import dev.mailbridge.identity.Authenticator;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.BearerAuthenticator;
import dev.mailbridge.identity.token.TokenSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * One Microsoft Graph service root (per cloud: graph.microsoft.com, graph.microsoft.us,
 * dod-graph.microsoft.us, microsoftgraph.chinacloudapi.cn; or the emulator's): the HTTP client (from
 * identity's {@link HttpSettings}: proxy, trusted CAs, TLS always verified), the retry budget, and the
 * per-mailbox gates (at most 4 requests in flight per mailbox, Exchange Online's MailboxConcurrency limit
 * for Graph; a 429/503 {@code Retry-After} pauses all of that mailbox's requests). Thread-safe; one per root.
 */
public final class GraphProtocol {
    /** Exchange Online refuses a fifth concurrent Graph request per app and mailbox. */
    public static final int MAX_CONCURRENT_PER_MAILBOX = 4;

    private final URI root;
    private final HttpClient http;
    private final Duration retryBudget;
    private final Duration requestTimeout;
    private final int maxConcurrent;
    private final String userAgent;
    private final ConcurrentMap<String, Gate> gates = new ConcurrentHashMap<>();

    private GraphProtocol(Builder b) {
        this.root = URI.create(b.root.toString().replaceAll("/+$", ""));
        this.http = b.http.newHttpClient();
        this.retryBudget = b.retryBudget;
        this.requestTimeout = b.requestTimeout;
        this.maxConcurrent = b.maxConcurrent;
        this.userAgent = b.userAgent;
    }

    /** For the v1.0 root of a cloud's Graph ({@link #root}). */
    public static Builder builder(CloudProfile cloud) {
        return builder(root(cloud));
    }

    /** The v1.0 service root of a cloud's Graph, e.g. {@code https://graph.microsoft.com/v1.0}. */
    public static URI root(CloudProfile cloud) {
        return URI.create(cloud.graphRoot().toString().replaceAll("/+$", "") + "/v1.0");
    }

    /** Any service root ending in the version, e.g. the emulator's {@code https://localhost:8443/v1.0}. */
    public static Builder builder(URI root) {
        return new Builder(root);
    }

    /** Delegated: the token's user, addressed as {@code /me}. */
    public GraphClient delegated(TokenSource tokens) {
        // Keyed on the token source, so every client of that user shares one gate.
        String key = "me@" + Integer.toHexString(System.identityHashCode(tokens));
        return new GraphClient(this, new BearerAuthenticator(tokens), null, "/me", gate(key));
    }

    /** App-only: the mailbox {@code upn} (or object id), addressed as {@code /users/{upn}}. */
    public GraphClient appOnly(TokenSource tokens, String upn) {
        Objects.requireNonNull(upn, "upn");
        return client(new BearerAuthenticator(tokens), upn);
    }

    /** Any authenticator; {@code mailbox} null means {@code /me}. */
    public GraphClient client(Authenticator auth, String mailbox) {
        String path = mailbox == null ? "/me" : "/users/" + encode(mailbox.trim());
        String key = mailbox == null
                ? "me@" + Integer.toHexString(System.identityHashCode(auth))
                : mailbox.trim().toLowerCase(Locale.ROOT);
        return new GraphClient(this, auth, mailbox, path, gate(key));
    }

    private Gate gate(String key) {
        return gates.computeIfAbsent(key, k -> new Gate(maxConcurrent));
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    URI root() {
        return root;
    }

    HttpClient http() {
        return http;
    }

    Duration retryBudget() {
        return retryBudget;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    String userAgent() {
        return userAgent;
    }

    public int maxConcurrentPerMailbox() {
        return maxConcurrent;
    }

    /** Per-mailbox traffic control: the concurrency cap and the pause a Retry-After imposes. */
    static final class Gate {
        final Semaphore permits;
        private long pausedUntil;

        Gate(int max) {
            this.permits = new Semaphore(max, true);
        }

        synchronized void pauseFor(Duration d) {
            long until = System.nanoTime() + d.toNanos();
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }

        synchronized long remainingPauseNanos() {
            return Math.max(0, pausedUntil - System.nanoTime());
        }
    }

    public static final class Builder {
        private final URI root;
        private HttpSettings http = HttpSettings.defaults();
        private Duration retryBudget = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofMinutes(5);
        private int maxConcurrent = MAX_CONCURRENT_PER_MAILBOX;
        private String userAgent = "Mailbridge";

        private Builder(URI root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        public Builder httpSettings(HttpSettings http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /** How long one call may keep retrying throttled or transient failures (default 60 s). */
        public Builder retryBudget(Duration budget) {
            this.retryBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Requests in flight per mailbox, 1 to 4 (Graph refuses a fifth). */
        public Builder maxConcurrentPerMailbox(int n) {
            if (n < 1 || n > MAX_CONCURRENT_PER_MAILBOX) {
                throw new IllegalArgumentException("Requests in flight per mailbox must be 1 to "
                        + MAX_CONCURRENT_PER_MAILBOX + " (Graph's limit), not " + n);
            }
            this.maxConcurrent = n;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        public GraphProtocol build() {
            return new GraphProtocol(this);
        }
    }
}
