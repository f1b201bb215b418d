package dev.mailbridge.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A lapsed sign-in is announced to the application once, with the code and what to do. */
class MailboxEventsTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final URI CALLBACK = URI.create("http://localhost:8080/oauth2/callback");

    @Test
    void aLapsedSignInIsAnnouncedOnceAsAuthFailed() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        Stores stores = new Stores(
                TestDatabases.open(TestDatabases.Kind.H2), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        MailboxServices services =
                new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        Outbox outbox = new Outbox(stores.database(), emulator.clock());
        MailboxEvents.attach(services.tokens(), stores, outbox);
        var target = new DeliveryTargetStore(stores.database(), stores.vault(), emulator.clock())
                .create(DeliveryTargetStore.Settings.webhook(
                        "Alerts", "http://127.0.0.1:9/alerts", Secret.of(WebhookSignature.newSecret())));

        UUID org = services.connections().createOrganisation("Contoso", "test").id();
        UUID conn = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Support", SignInMode.OAUTH_DELEGATED)
                                .ewsUrl(emulator.loginUrl() + "/EWS/Exchange.asmx")
                                .loginAuthority(emulator.loginUrl().toString())
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of("Mbr8Q~emulator.web.app.secret.value.0001"))
                                .trustedCaPem(Files.readString(emulator.caCertificate()))
                                .build(),
                        "test")
                .id();
        Mailbox m = services.connections()
                .addMailbox(conn, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "test");
        var redirect = services.authorizations().start(m.id(), CALLBACK, "test");
        services.authorizations()
                .complete(new SignInBrowser(emulator.sslContext())
                        .signIn(
                                redirect.authorizationUrl(),
                                CALLBACK.toString(),
                                SignInBrowser.Person.of("adele.vance@contoso.onmicrosoft.com", "Adele-Passw0rd!"))
                        .params());

        emulator.clock().advance(Duration.ofDays(91));
        services.tokens().sweep();
        emulator.clock().advance(Duration.ofDays(1));
        services.tokens().refresh(m.id()); // fails again, same status: no second event

        // Receiving fails twice in a row after the same last good sync: one connection_failed event.
        MailboxEvents events0 = MailboxEvents.attach(
                new dev.mailbridge.core.connect.TokenKeeper(
                        stores,
                        emulator.clock(),
                        HttpSettings.defaults(),
                        Duration.ofDays(7),
                        dev.mailbridge.core.connect.Variables.system()),
                stores,
                outbox);
        var lastGood = Optional.of(java.time.Instant.parse("2026-11-01T10:00:00Z"));
        events0.connectionFailed(m.id(), "ErrorServerBusy", lastGood);
        events0.connectionFailed(m.id(), "ErrorServerBusy", lastGood);

        List<OutboxEntry> all = outbox.claim("test", 10, Duration.ofMinutes(1));
        assertThat(all)
                .extracting(OutboxEntry::eventType)
                .containsExactlyInAnyOrder(EventType.MAILBOX_AUTH_FAILED, EventType.MAILBOX_CONNECTION_FAILED);
        List<OutboxEntry> events = all.stream()
                .filter(e -> e.eventType() == EventType.MAILBOX_AUTH_FAILED)
                .toList();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.MAILBOX_AUTH_FAILED);
            assertThat(e.targetId()).isEqualTo(target.id());
            assertThat(e.mailboxId()).contains(m.id());
            var data = new ObjectMapper().readTree(e.payload());
            assertThat(data.toString()).contains("AADSTS700082", "REAUTHORIZATION_REQUIRED", m.address());
        });
    }
}
