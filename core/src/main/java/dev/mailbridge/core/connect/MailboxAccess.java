package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.SignIn;
import dev.mailbridge.ews.autodiscover.AutodiscoverClient;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphProtocol;
import dev.mailbridge.identity.Authenticator;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens a mailbox over EWS or Microsoft Graph with its connection's settings: the EWS URL (supplied, or found by
 * Autodiscover with credentials sent only to the mailbox's own domain and approved hosts), the sign-in
 * mode, proxy and trusted CAs. Graph: the connection's Graph root (or its cloud's), with delegated
 * tokens ({@code /me}) or app-only ones ({@code /users/{address}}). Protocols and Autodiscover results
 * are cached per connection generation.
 */
public final class MailboxAccess {
    private static final String USER_AGENT = "Mailbridge/0.1 (+https://mailbridge.dev)";

    private final TokenKeeper keeper;
    private final Map<String, EwsProtocol> protocols = new ConcurrentHashMap<>();
    private final Map<String, AutodiscoverClient> autodiscover = new ConcurrentHashMap<>();
    private final Map<String, GraphProtocol> graphProtocols = new ConcurrentHashMap<>();

    public MailboxAccess(TokenKeeper keeper) {
        this.keeper = keeper;
    }

    /** Who acts for the mailbox, per the connection's sign-in mode. */
    public SignIn signIn(Mailbox m, Connection c) {
        return switch (c.signInMode()) {
            case BASIC -> SignIn.basic(basicCredential(c));
            case BASIC_IMPERSONATED -> SignIn.basic(basicCredential(c).impersonating(m.address()));
            case OAUTH_DELEGATED -> SignIn.delegated(keeper.tokens(m), m.address());
            case OAUTH_APP_ONLY -> SignIn.appOnly(keeper.appTokens(c), m.address());
        };
    }

    private BasicCredential basicCredential(Connection c) {
        ConnectionProfile p = keeper.profile(c);
        Secret password = p.password()
                .orElseThrow(() -> ValidationException.of("password", "The connection has no password; enter one."));
        return BasicCredential.of(p.username(), password);
    }

    /** The EWS endpoint for the mailbox: supplied, or by Autodiscover. */
    public URI ewsUrl(Mailbox m, Connection c) {
        ConnectionProfile p = keeper.profile(c);
        if (c.hostMode() == HostMode.SUPPLIED) {
            return p.suppliedEwsUrl()
                    .orElseThrow(() -> ValidationException.of("ewsUrl", "Enter the EWS URL or choose Autodiscover."));
        }
        return autodiscover(m, c, p).ewsUrl(m.address());
    }

    AutodiscoverClient autodiscover(Mailbox m, Connection c, ConnectionProfile p) {
        return autodiscover.computeIfAbsent(c.id() + "/" + c.settingsGeneration(), k -> {
            AutodiscoverClient.Builder b = AutodiscoverClient.builder(p.http())
                    .userAgent(USER_AGENT)
                    .approvedDomains(p.approvedHosts().toArray(String[]::new))
                    .cacheTtl(Duration.ofHours(24));
            Authenticator auth = signIn(m, c).authenticator();
            if (c.signInMode().oauth()) {
                b.exchangeOnline();
            }
            b.credentials(auth);
            return b.build();
        });
    }

    /** An EWS client acting for the mailbox. */
    public EwsClient ews(UUID mailboxId) {
        Mailbox m = keeper.mailbox(mailboxId);
        Connection c = keeper.connection(m.connectionId());
        return ews(m, c, ewsUrl(m, c));
    }

    EwsClient ews(Mailbox m, Connection c, URI url) {
        EwsProtocol protocol = protocols.computeIfAbsent(c.id() + "/" + c.settingsGeneration() + "/" + url, k -> {
            ConnectionProfile p = keeper.profile(c);
            return EwsProtocol.builder(url)
                    .httpSettings(p.http())
                    .userAgent(USER_AGENT)
                    .retryBudget(Duration.ofSeconds(20))
                    .build();
        });
        return protocol.client(signIn(m, c));
    }

    /** How the mailbox's connection reaches it. */
    public Transport transport(UUID mailboxId) {
        return transport(keeper.mailbox(mailboxId));
    }

    /** How the mailbox's connection reaches it, for a caller that has the mailbox already. */
    public Transport transport(Mailbox m) {
        return keeper.connection(m.connectionId()).transport();
    }

    /**
     * A Microsoft Graph client acting for the mailbox (OAuth connections only), also while the connection is
     * still on EWS (the switch to Graph uses it to check and prepare).
     */
    public GraphClient graph(UUID mailboxId) {
        Mailbox m = keeper.mailbox(mailboxId);
        return graph(m, keeper.connection(m.connectionId()));
    }

    /** The connection's Graph service root: its own, else its cloud's ({@code https://graph.microsoft.com/v1.0}). */
    public URI graphRoot(Connection c) {
        ConnectionProfile p = keeper.profile(c);
        return p.graphUrl()
                .map(u -> URI.create(u.replaceAll("/+$", "")))
                .orElseGet(() -> GraphProtocol.root(p.cloud()));
    }

    GraphClient graph(Mailbox m, Connection c) {
        GraphProtocol protocol = graphProtocols.computeIfAbsent(c.id() + "/" + c.settingsGeneration(), k -> {
            ConnectionProfile p = keeper.profile(c);
            return GraphProtocol.builder(graphRoot(c))
                    .httpSettings(p.http())
                    .userAgent(USER_AGENT)
                    .retryBudget(Duration.ofSeconds(20)) // as for EWS: a pass fails and is repeated, not held
                    .build();
        });
        return switch (c.signInMode()) {
            case OAUTH_DELEGATED -> protocol.delegated(keeper.graphTokens(m));
            case OAUTH_APP_ONLY -> protocol.appOnly(keeper.graphTokens(m), m.address());
            case BASIC, BASIC_IMPERSONATED ->
                throw ValidationException.of(
                        "signInMode",
                        "Microsoft Graph accepts only OAuth: switch the connection to OAuth delegated or app-only.");
        };
    }

    /** Forgets every cached endpoint (the server-wide HTTP settings changed). */
    public void forgetAll() {
        protocols.clear();
        autodiscover.clear();
        graphProtocols.clear();
    }

    public void forget(UUID connectionId) {
        protocols.keySet().removeIf(k -> k.startsWith(connectionId + "/"));
        autodiscover.keySet().removeIf(k -> k.startsWith(connectionId + "/"));
        graphProtocols.keySet().removeIf(k -> k.startsWith(connectionId + "/"));
    }
}
