package dev.mailbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.TestDatabases.Kind;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.KeyRotation;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.core.vault.VaultException;
import dev.mailbridge.identity.Secret;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stores on both supported databases: the same migrations, the same behaviour. */
class StoresTest {
    private static final String SECRET = "Mbr8Q~this.is.the.client.secret.value";
    private static final String REFRESH = "0.AXkA-refresh-token-value-that-must-never-be-stored-plain";

    private static Stores stores(Kind kind) {
        return new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), Clock.systemUTC());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void keepsConnectionsWithTheirSecretsSealed(Kind kind) {
        Stores s = stores(kind);
        UUID org = s.organisations().create("Contoso").id();
        Connection c = s.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Support inbox", SignInMode.OAUTH_DELEGATED)
                                .ewsUrl("https://mail.contoso.com/EWS/Exchange.asmx")
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of(SECRET))
                                .build(),
                        Optional.empty());

        assertThat(c.hasClientSecret()).isTrue();
        assertThat(c.hasPassword()).isFalse();
        assertThat(c.settingsGeneration()).isEqualTo(1);
        assertThat(s.connections().secrets(c.id()).clientSecret().orElseThrow().reveal())
                .isEqualTo(SECRET);
        String raw = s.database()
                .jdbc()
                .one("SELECT client_secret_sealed FROM connection WHERE id=?", rs -> rs.getString(1), c.id())
                .orElseThrow();
        assertThat(raw).startsWith("v1:").doesNotContain(SECRET).doesNotContain("Mbr8Q");

        // Renaming keeps the tokens; a new secret or client invalidates them.
        ConnectionSettings renamed = ConnectionSettings.builder("Support", SignInMode.OAUTH_DELEGATED)
                .ewsUrl("https://mail.contoso.com/EWS/Exchange.asmx")
                .tenantId("contoso.onmicrosoft.com")
                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                .build();
        assertThat(s.connections().update(c.id(), renamed, Optional.empty())).isFalse();
        assertThat(s.connections().secrets(c.id()).clientSecret()).isPresent();
        assertThat(s.connections()
                        .update(
                                c.id(),
                                renamed.toBuilder()
                                        .clientSecret(Secret.of("new"))
                                        .build(),
                                Optional.empty()))
                .isTrue();
        assertThat(s.connections().get(c.id()).orElseThrow().settingsGeneration())
                .isEqualTo(2);
        assertThat(s.connections().secrets(c.id()).clientSecret().orElseThrow().reveal())
                .isEqualTo("new");

        assertThatThrownBy(() -> s.connections()
                        .create(
                                org,
                                ConnectionSettings.builder("Support", SignInMode.BASIC)
                                        .build(),
                                Optional.empty()))
                .isInstanceOf(DuplicateException.class);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void keepsMailboxesTokensAndFolders(Kind kind) {
        Stores s = stores(kind);
        UUID org = s.organisations().create("Contoso").id();
        UUID conn = s.connections()
                .create(
                        org,
                        ConnectionSettings.builder("c", SignInMode.OAUTH_DELEGATED)
                                .build(),
                        Optional.empty())
                .id();
        Mailbox m = s.mailboxes().create(conn, " Adele.Vance@contoso.onmicrosoft.com ", Optional.empty());
        assertThat(m.address()).isEqualTo("adele.vance@contoso.onmicrosoft.com");
        assertThat(m.status()).isEqualTo(MailboxStatus.NOT_AUTHORIZED);

        assertThat(s.mailboxes().refreshTokens().load(m.id().toString())).isEmpty();
        s.mailboxes().refreshTokens().save(m.id().toString(), Secret.of(REFRESH));
        s.mailboxes().markAuthorized(m.id(), "adele.vance@contoso.onmicrosoft.com", 1, Optional.empty());
        Mailbox authorized = s.mailboxes().get(m.id()).orElseThrow();
        assertThat(authorized.status()).isEqualTo(MailboxStatus.AUTHORIZED);
        assertThat(authorized.hasRefreshToken()).isTrue();
        assertThat(s.mailboxes()
                        .refreshTokens()
                        .load(m.id().toString())
                        .orElseThrow()
                        .reveal())
                .isEqualTo(REFRESH);
        assertThat(s.database()
                        .jdbc()
                        .count("SELECT COUNT(*) FROM mailbox WHERE refresh_token_sealed LIKE ?", "%" + REFRESH + "%"))
                .isZero();

        s.mailboxes().clearTokens(m.id(), MailboxStatus.REAUTHORIZATION_REQUIRED, "client secret changed");
        Mailbox cleared = s.mailboxes().get(m.id()).orElseThrow();
        assertThat(cleared.hasRefreshToken()).isFalse();
        assertThat(cleared.status()).isEqualTo(MailboxStatus.REAUTHORIZATION_REQUIRED);
        assertThat(cleared.statusMessage()).contains("client secret changed");

        s.mailboxes()
                .mapFolders(
                        m.id(),
                        List.of(
                                new FolderMapping(FolderRole.INCOMING, "AAMk-inbox", "Inbox"),
                                new FolderMapping(FolderRole.PROCESSED, "AAMk-done", "Done")));
        assertThat(s.mailboxes().folders(m.id()))
                .extracting(FolderMapping::role)
                .containsExactlyInAnyOrder(FolderRole.INCOMING, FolderRole.PROCESSED);

        s.history()
                .add(HistoryStore.event(
                                conn,
                                m.id(),
                                HistoryEvent.Kind.REFRESH_FAILED,
                                HistoryEvent.Outcome.FAILED,
                                "The refresh token expired")
                        .code("AADSTS700082")
                        .ids(Optional.of("trace-1"), Optional.of("corr-1")));
        HistoryEvent e = s.history().ofMailbox(m.id(), 10).get(0);
        assertThat(e.code()).contains("AADSTS700082");
        assertThat(e.traceId()).contains("trace-1");
        assertThat(s.history().ofConnection(conn, 10)).hasSize(1);

        // Deleting the connection takes its mailboxes, mappings and history with it.
        s.connections().delete(conn);
        assertThat(s.mailboxes().get(m.id())).isEmpty();
        assertThat(s.history().ofConnection(conn, 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void keepsUsersKeysAuditAndSettings(Kind kind) {
        Stores s = stores(kind);
        User admin =
                s.users().create("Admin@Example.com", Optional.of("{bcrypt}hash"), User.Role.ADMIN, Optional.empty());
        assertThat(s.users().byUsername("admin@example.com")).contains(admin);
        assertThat(s.users().count()).isEqualTo(1);

        ApiKey key = s.apiKeys().create("ci", "mbk_ab12cd", "sha256:x", Set.of(ApiKey.Scope.READ), "admin@example.com");
        assertThat(s.apiKeys().byPrefix("mbk_ab12cd").orElseThrow().scopes()).containsExactly(ApiKey.Scope.READ);
        s.apiKeys().revoke(key.id());
        assertThat(s.apiKeys().get(key.id()).orElseThrow().active()).isFalse();

        s.audit().record("admin@example.com", "connection.update", "connection/1", "fields: client_secret");
        assertThat(s.audit().recent(5))
                .singleElement()
                .satisfies(a -> assertThat(a.action()).isEqualTo("connection.update"));

        s.settings().put("public-base-url", "https://mailbridge.example.com");
        s.settings().put("public-base-url", "https://mb.example.com");
        assertThat(s.settings().get("public-base-url")).contains("https://mb.example.com");
        s.settings().put("public-base-url", "");
        assertThat(s.settings().get("public-base-url")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rotatesTheMasterKey(Kind kind) throws Exception {
        java.nio.file.Path keyFile = TestDatabases.tempDir().resolve("master.key");
        KeyRing ring = KeyRing.load(java.util.Map.of(), keyFile);
        Vault vault = new Vault(ring);
        Stores s = new Stores(TestDatabases.open(kind), vault, Clock.systemUTC());
        UUID org = s.organisations().create("o").id();
        UUID conn = s.connections()
                .create(
                        org,
                        ConnectionSettings.builder("c", SignInMode.BASIC)
                                .username("nancy")
                                .password(Secret.of("Nancy-Passw0rd!"))
                                .build(),
                        Optional.empty())
                .id();
        UUID mbx = s.mailboxes()
                .create(conn, "nancy@northwind.local", Optional.empty())
                .id();
        s.mailboxes().refreshTokens().save(mbx.toString(), Secret.of(REFRESH));
        String oldKey = ring.active().id();

        KeyRotation.Result r = KeyRotation.rotateKeyFile(s.database().jdbc(), vault);

        assertThat(r.resealed()).isEqualTo(2);
        assertThat(r.retiredKeyIds()).containsExactly(oldKey);
        assertThat(vault.ring().ids()).containsExactly(r.activeKeyId());
        // A fresh start from the key file opens everything; the old key is gone from it.
        Vault reloaded = new Vault(KeyRing.load(java.util.Map.of(), keyFile));
        Stores again = new Stores(s.database(), reloaded, Clock.systemUTC());
        assertThat(again.connections().secrets(conn).password().orElseThrow().reveal())
                .isEqualTo("Nancy-Passw0rd!");
        assertThat(again.mailboxes()
                        .refreshTokens()
                        .load(mbx.toString())
                        .orElseThrow()
                        .reveal())
                .isEqualTo(REFRESH);
        assertThat(reloaded.ring().byId(oldKey)).isEmpty();

        // A database sealed under a key this server does not have says so, without the value.
        Stores stranger = new Stores(s.database(), new Vault(KeyRing.of(KeyRing.newKey())), Clock.systemUTC());
        assertThatThrownBy(() -> stranger.connections().secrets(conn))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining(r.activeKeyId())
                .hasMessageContaining("MAILBRIDGE_MASTER_KEY");
    }
}
