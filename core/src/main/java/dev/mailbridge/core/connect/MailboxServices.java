package dev.mailbridge.core.connect;

import dev.mailbridge.core.store.Stores;
import dev.mailbridge.identity.http.HttpSettings;
import java.time.Clock;
import java.time.Duration;

/** Everything that connects mailboxes, wired over one set of stores: what the server and CLI hold. */
public final class MailboxServices {
    private final Stores stores;
    private final TokenKeeper tokens;
    private final MailboxAccess access;
    private final ConnectionService connections;
    private final Authorizations authorizations;
    private final ConnectionTester tester;
    private final MailboxFolders folders;

    /**
     * @param baseHttp server-wide HTTP settings (default proxy, trusted CAs) each connection builds on
     * @param refreshEvery how often idle delegated mailboxes are refreshed (7 days by default)
     */
    public MailboxServices(Stores stores, Clock clock, HttpSettings baseHttp, Duration refreshEvery) {
        this(stores, clock, baseHttp, refreshEvery, Variables.system());
    }

    /** @param variables where {@code ${env:NAME}} in connection fields is looked up */
    public MailboxServices(
            Stores stores, Clock clock, HttpSettings baseHttp, Duration refreshEvery, Variables variables) {
        this.stores = stores;
        this.tokens = new TokenKeeper(stores, clock, baseHttp, refreshEvery, variables);
        this.access = new MailboxAccess(tokens);
        this.connections = new ConnectionService(stores, tokens, access, clock, variables);
        this.authorizations = new Authorizations(stores, tokens, clock);
        this.tester = new ConnectionTester(stores, tokens, access, connections, clock);
        this.folders = new MailboxFolders(stores, access);
    }

    /** New server-wide HTTP settings (default proxy, trusted CAs) for every connection from now on. */
    public void useBaseHttp(HttpSettings settings) {
        tokens.useBaseHttp(settings);
        access.forgetAll();
    }

    public Stores stores() {
        return stores;
    }

    public TokenKeeper tokens() {
        return tokens;
    }

    public MailboxAccess access() {
        return access;
    }

    public ConnectionService connections() {
        return connections;
    }

    public Authorizations authorizations() {
        return authorizations;
    }

    public ConnectionTester tester() {
        return tester;
    }

    public MailboxFolders folders() {
        return folders;
    }
}
