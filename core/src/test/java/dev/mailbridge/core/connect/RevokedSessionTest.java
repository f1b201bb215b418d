package dev.mailbridge.core.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.http.HttpSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A user whose sessions an admin revoked (its own emulator: revocation moves the user's TokensValidFrom). */
class RevokedSessionTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @Test
    void revokedSessionsShowAsRevokedWithTheCode() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        Stores stores = new Stores(
                TestDatabases.open(TestDatabases.Kind.H2), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        MailboxServices services =
                new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        String rita = "rita.revoked@contoso.onmicrosoft.com";
        emulator.entra()
                .directory()
                .createUser(
                        "contoso.onmicrosoft.com",
                        new ObjectMapper().readTree("{\"upn\":\"" + rita + "\",\"password\":\"Rita-Passw0rd!\"}"));
        UUID org = services.connections().createOrganisation("Contoso", "test").id();
        UUID conn = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Support", SignInMode.OAUTH_DELEGATED)
                                .ewsUrl(emulator.loginUrl() + "/EWS/Exchange.asmx")
                                .loginAuthority(emulator.loginUrl().toString())
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId(MailboxServicesTest.WEB_APP)
                                .clientSecret(Secret.of(MailboxServicesTest.WEB_SECRET))
                                .trustedCaPem(Files.readString(emulator.caCertificate()))
                                .build(),
                        "test")
                .id();
        Mailbox m = services.connections().addMailbox(conn, rita, Optional.empty(), "test");
        var redirect = services.authorizations().start(m.id(), MailboxServicesTest.CALLBACK, "test");
        services.authorizations()
                .complete(new SignInBrowser(emulator.sslContext())
                        .signIn(
                                redirect.authorizationUrl(),
                                MailboxServicesTest.CALLBACK.toString(),
                                Person.of(rita, "Rita-Passw0rd!"))
                        .params());
        emulator.clock().advance(Duration.ofMinutes(1));
        emulator.entra().directory().revokeSessions("contoso.onmicrosoft.com", rita);
        emulator.clock().advance(Duration.ofMinutes(1));

        var r = services.tokens().refresh(m.id());

        assertThat(r.refreshed()).isFalse();
        assertThat(r.status()).isEqualTo(MailboxStatus.REVOKED);
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().statusCode()).contains("AADSTS50173");
        assertThat(stores.history().ofMailbox(m.id(), 1).get(0).detail().orElseThrow())
                .contains("What to do");
    }
}
