package dev.mailbridge.core.store;

import dev.mailbridge.core.vault.Vault;
import java.time.Clock;

/** Every store over one database and vault; what the services and the server are handed. */
public final class Stores {
    private final Database database;
    private final Vault vault;
    private final OrganisationStore organisations;
    private final ConnectionStore connections;
    private final MailboxStore mailboxes;
    private final HistoryStore history;
    private final UserStore users;
    private final ApiKeyStore apiKeys;
    private final AuditLog audit;
    private final SettingsStore settings;
    private final RuleStore rules;

    public Stores(Database database, Vault vault, Clock clock) {
        Jdbc jdbc = database.jdbc();
        this.database = database;
        this.vault = vault;
        this.organisations = new OrganisationStore(jdbc, clock);
        this.connections = new ConnectionStore(jdbc, vault, clock);
        this.mailboxes = new MailboxStore(jdbc, vault, clock);
        this.history = new HistoryStore(jdbc, clock);
        this.users = new UserStore(jdbc, clock);
        this.apiKeys = new ApiKeyStore(jdbc, clock);
        this.audit = new AuditLog(jdbc, clock);
        this.settings = new SettingsStore(jdbc);
        this.rules = new RuleStore(jdbc, clock);
    }

    public Database database() {
        return database;
    }

    public Vault vault() {
        return vault;
    }

    public OrganisationStore organisations() {
        return organisations;
    }

    public ConnectionStore connections() {
        return connections;
    }

    public MailboxStore mailboxes() {
        return mailboxes;
    }

    public HistoryStore history() {
        return history;
    }

    public UserStore users() {
        return users;
    }

    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    public AuditLog audit() {
        return audit;
    }

    public SettingsStore settings() {
        return settings;
    }

    /** Per-mailbox rules. */
    public RuleStore rules() {
        return rules;
    }
}
