package dev.mailbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.connect.ContosoApp;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.receive.AfterDelivery;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.core.receive.ReceivedMessages;
import dev.mailbridge.core.rules.RuleSet;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.ops.CreateFolder;
import dev.mailbridge.identity.http.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Switch to Graph on an Exchange Online mailbox with history: the check names missing Graph permissions and
 * changes nothing; the switch keeps folder mappings (moved to Graph ids) and rules, and Graph resumes where
 * EWS stopped: nothing old is handed on again, nothing that arrived meanwhile is lost, also when the last
 * EWS pass fails because the tenant blocked EWS; app-only and delegated (whose EWS sign-in serves Graph).
 */
class GraphSwitchTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    Emulator emulator;
    Stores stores;
    MailboxServices services;
    MailboxSync sync;
    ReceiveSettings settings;
    GraphSwitch graphSwitch;
    Collector sink;
    String address;
    Outbox outbox;
    AfterDelivery after;

    /** The pipeline, recording the received messages (their Message-IDs) as the server does; subjects kept. */
    final class Collector implements MessageSink {
        final List<String> subjects = new ArrayList<>();
        ReceivePipeline pipeline;

        @Override
        public void accept(Mailbox mailbox, String itemId, Path mime) throws Exception {
            pipeline.accept(mailbox, itemId, mime);
            String text = Files.readString(mime);
            int at = text.indexOf("Subject: ");
            subjects.add(text.substring(at + 9, text.indexOf('\r', at)));
        }
    }

    @BeforeEach
    void setUp() {
        emulator = EMULATOR.emulator();
        emulator.exchange().faults().reset();
    }

    @AfterEach
    void unblock() {
        emulator.exchange().faults().organizationEwsEnabled(ContosoApp.TENANT_ID, null);
        emulator.clock().reset();
    }

    Mailbox fixture(TestDatabases.Kind kind, String clientId, String secret) throws Exception {
        return fixture(kind, clientId, secret, dev.mailbridge.core.model.SignInMode.OAUTH_APP_ONLY);
    }

    Mailbox fixture(TestDatabases.Kind kind, String clientId, String secret, dev.mailbridge.core.model.SignInMode mode)
            throws Exception {
        stores = new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        services = new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        settings = new ReceiveSettings(stores.database(), emulator.clock());
        sync = new MailboxSync(stores, services.access(), emulator.clock());
        outbox = new Outbox(
                stores.database(),
                java.time.Clock.systemUTC(),
                new Outbox.Options(
                        12, new dev.mailbridge.core.deliver.Backoff(Duration.ofMillis(50), Duration.ofMillis(200))));
        after = new AfterDelivery(stores, services.access(), settings, emulator.clock());
        sink = new Collector();
        sink.pipeline = new ReceivePipeline(new MimeParser(), id -> RuleSet.empty(), outbox, after)
                .keepingMessagesIn(new ReceivedMessages(stores.database(), emulator.clock()));
        graphSwitch = new GraphSwitch(services, sync, after, settings, emulator.clock());
        address = ContosoApp.newMailbox(emulator, "switch");
        UUID org = services.connections().createOrganisation("Contoso", "test").id();
        UUID conn = services.connections()
                .create(
                        org,
                        ContosoApp.settings(emulator, Transport.EWS)
                                .signInMode(mode)
                                .clientId(clientId)
                                .clientSecret(dev.mailbridge.identity.Secret.of(secret))
                                .build(),
                        "test")
                .id();
        return services.connections().addMailbox(conn, address, Optional.empty(), "test");
    }

    void deliver(String subject) {
        String mime = "From: customer@example.com\r\nTo: " + address + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
        emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
    }

    Connection connection(Mailbox m) {
        return stores.connections().get(m.connectionId()).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void resumesFromTheLastEwsPassWithMappingsAndRulesKept(TestDatabases.Kind kind) throws Exception {
        Mailbox m = fixture(kind, ContosoApp.CLIENT_ID, ContosoApp.CLIENT_SECRET);
        settings.put(m.id(), true, false);
        String processed = services.access()
                .ews(m.id())
                .execute(CreateFolder.of(DistinguishedFolder.INBOX.ref(), "Processed"))
                .single()
                .id()
                .id();
        services.folders().map(m.id(), java.util.Map.of(FolderRole.PROCESSED, processed), "test");
        dev.mailbridge.core.rules.Rule orders = new dev.mailbridge.core.rules.Rule(
                "Orders", 1, null, null, "(?i)order", null, null, List.of(), List.of(), false, true, "orders");
        stores.rules().replace(m.id(), List.of(orders));
        deliver("old 1");
        deliver("old 2");
        deliver("old 3");
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(3);
        deliver("meanwhile 1");
        deliver("meanwhile 2");
        int generation = connection(m).settingsGeneration();

        GraphSwitch.Check check = graphSwitch.check(m.connectionId());
        assertThat(check.ok()).as(check.errors().toString()).isTrue();
        GraphSwitch.Report report = graphSwitch.switchToGraph(m.connectionId(), sink, GraphSwitch.Locks.NONE, "test");

        GraphSwitch.MailboxSwitched r = report.mailboxes().getFirst();
        assertThat(r.lastEwsPass())
                .as("the last EWS pass took what had arrived")
                .contains(2);
        assertThat(r.lastEwsPassError()).isEmpty();
        assertThat(r.resumeFrom()).isPresent();
        assertThat(r.foldersMapped()).isEqualTo(1);
        Connection after = connection(m);
        assertThat(after.transport()).isEqualTo(Transport.GRAPH);
        assertThat(after.settingsGeneration()).as("nobody authorizes again").isEqualTo(generation);
        FolderMapping mapping = stores.mailboxes().folders(m.id()).getFirst();
        assertThat(mapping.role()).isEqualTo(FolderRole.PROCESSED);
        assertThat(mapping.folderName()).isEqualTo("Inbox/Processed");
        assertThat(services.access().graph(m.id()).folder(mapping.folderId()).displayName())
                .isEqualTo("Processed");
        assertThat(stores.rules().list(m.id()))
                .extracting(dev.mailbridge.core.rules.Rule::name)
                .containsExactly("Orders");

        deliver("after 1");
        MailboxSync.Result first = sync.syncOnce(m.id(), sink, false);
        assertThat(first.newMessages()).as("only what arrived after the switch").isEqualTo(1);
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isZero();
        assertThat(sink.subjects)
                .containsExactlyInAnyOrder("old 1", "old 2", "old 3", "meanwhile 1", "meanwhile 2", "after 1");
        assertThat(graphSwitch.check(m.connectionId()).errors())
                .extracting(FieldError::message)
                .containsExactly("The connection already uses Microsoft Graph.");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void whenTheTenantHasBlockedEwsGraphPicksUpWhatEwsMissed(TestDatabases.Kind kind) throws Exception {
        Mailbox m = fixture(kind, ContosoApp.CLIENT_ID, ContosoApp.CLIENT_SECRET);
        settings.put(m.id(), true, false);
        deliver("old 1");
        deliver("old 2");
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(2);
        // 1 October 2026 came: EWS is blocked for the tenant, mail keeps arriving
        emulator.exchange().faults().organizationEwsEnabled(ContosoApp.TENANT_ID, false);
        emulator.clock().advance(Duration.ofMinutes(30));
        deliver("while blocked 1");
        deliver("while blocked 2");
        assertThatThrownBy(() -> sync.syncOnce(m.id(), sink, false)).isInstanceOf(RuntimeException.class);

        GraphSwitch.MailboxSwitched r = graphSwitch
                .switchToGraph(m.connectionId(), sink, GraphSwitch.Locks.NONE, "test")
                .mailboxes()
                .getFirst();
        assertThat(r.lastEwsPass()).isEmpty();
        assertThat(r.lastEwsPassError()).isPresent();

        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(2);
        assertThat(sink.subjects).containsExactlyInAnyOrder("old 1", "old 2", "while blocked 1", "while blocked 2");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theCheckNamesTheMissingGraphPermissionsAndNothingChanges(TestDatabases.Kind kind) throws Exception {
        String clientId = UUID.randomUUID().toString();
        String secret = "Lgc8Q~legacy.ews.only.app.secret." + clientId.substring(0, 8);
        ObjectNode spec = JsonNodeFactory.instance
                .objectNode()
                .put("clientId", clientId)
                .put("displayName", "Legacy EWS app")
                .put("clientSecret", secret)
                .put("adminConsented", true);
        spec.putArray("application")
                .add("https://outlook.office365.com/full_access_as_app")
                .add("https://graph.microsoft.com/Mail.Read");
        emulator.entra().directory().createApp(ContosoApp.TENANT, spec);
        Mailbox m = fixture(kind, clientId, secret);

        GraphSwitch.Check check = graphSwitch.check(m.connectionId());
        assertThat(check.ok()).isFalse();
        assertThat(check.errors()).hasSize(1);
        assertThat(check.errors().getFirst().message())
                .contains("lacks the Microsoft Graph permission Mail.ReadWrite and Mail.Send")
                .contains("Application permissions")
                .contains("Grant admin consent");
        assertThatThrownBy(() -> graphSwitch.switchToGraph(m.connectionId(), sink, GraphSwitch.Locks.NONE, "test"))
                .isInstanceOf(ValidationException.class);
        assertThat(connection(m).transport()).isEqualTo(Transport.EWS);

        ObjectNode grant = JsonNodeFactory.instance.objectNode();
        grant.putArray("application")
                .add("https://outlook.office365.com/full_access_as_app")
                .add("https://graph.microsoft.com/Mail.ReadWrite")
                .add("https://graph.microsoft.com/Mail.Send");
        emulator.entra().directory().patchApp(ContosoApp.TENANT, clientId, grant);
        services.tokens().forget(m.connectionId()); // the token of before is cached
        assertThat(graphSwitch.check(m.connectionId()).ok()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void anActionWaitingForItsDeliveryIsAppliedOverGraphUnderTheMessagesGraphId() throws Exception {
        Mailbox m = fixture(TestDatabases.Kind.H2, ContosoApp.CLIENT_ID, ContosoApp.CLIENT_SECRET);
        settings.put(m.id(), true, false, AfterDeliveryAction.MARK_READ);
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        var targets = new dev.mailbridge.core.deliver.DeliveryTargetStore(
                stores.database(), stores.vault(), emulator.clock());
        var target = targets.create(dev.mailbridge.core.deliver.DeliveryTargetStore.Settings.webhook(
                "Help desk",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                dev.mailbridge.identity.Secret.of(dev.mailbridge.core.deliver.WebhookSignature.newSecret())));
        String ewsId = emulator.exchange()
                .store()
                .deliver(
                        address,
                        ("From: customer@example.com\r\nTo: " + address + "\r\nSubject: Waiting\r\n"
                                        + "Content-Type: text/plain\r\n\r\nHi.\r\n")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(1);
        // not delivered yet when the switch comes: its action waits, under the EWS id
        graphSwitch.switchToGraph(m.connectionId(), sink, GraphSwitch.Locks.NONE, "test");
        String key = ReceivePipeline.key(m.id(), ewsId);
        assertThat(after.outcome(m.id(), key).orElseThrow().itemId())
                .isEqualTo(dev.mailbridge.emulator.graph.RestIds.toRest(ewsId))
                .isNotEqualTo(ewsId);

        try (var webhook = new dev.mailbridge.core.deliver.WebhookDeliverer();
                var worker = new dev.mailbridge.core.deliver.DeliveryWorker(
                        outbox,
                        targets,
                        List.of(webhook),
                        dev.mailbridge.core.deliver.DeliveryWorker.Options.defaults()
                                .withPollInterval(Duration.ofMillis(50)))) {
            worker.start();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (outbox.find(target.id(), key)
                            .map(e -> e.state() != dev.mailbridge.core.deliver.OutboxState.DELIVERED)
                            .orElse(true)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            receiver.stop(0);
        }
        assertThat(after.run(m.id())).isEqualTo(new AfterDelivery.Result(1, 0, 0));
        assertThat(services.access().graph(m.id()).delta("inbox", null, 50).changes().stream()
                        .filter(c -> c.message() != null
                                && "Waiting".equals(c.message().subject()))
                        .findFirst()
                        .orElseThrow()
                        .message()
                        .isRead())
                .isTrue();
    }

    @org.junit.jupiter.api.Test
    void aDelegatedMailboxSwitchesWithTheSignInItHas() throws Exception {
        Mailbox m = fixture(
                TestDatabases.Kind.H2,
                ContosoApp.CLIENT_ID,
                ContosoApp.CLIENT_SECRET,
                dev.mailbridge.core.model.SignInMode.OAUTH_DELEGATED);
        emulator.entra().directory().setPassword(ContosoApp.TENANT, address, "Switch-Passw0rd!");
        java.net.URI callback = java.net.URI.create("http://localhost:8080/oauth2/callback");
        var redirect = services.authorizations().start(m.id(), callback, "test");
        services.authorizations()
                .complete(new dev.mailbridge.emulator.junit.SignInBrowser(emulator.sslContext())
                        .signIn(
                                redirect.authorizationUrl(),
                                callback.toString(),
                                dev.mailbridge.emulator.junit.SignInBrowser.Person.of(address, "Switch-Passw0rd!"))
                        .params());
        settings.put(m.id(), true, false);
        deliver("old");
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(1);
        deliver("meanwhile");

        // the EWS sign-in's refresh token gets Graph's delegated scopes: no new sign-in
        GraphSwitch.Check check = graphSwitch.check(m.connectionId());
        assertThat(check.ok()).as(check.errors().toString()).isTrue();
        assertThat(check.mailboxes().getFirst().permissions().orElseThrow().granted())
                .contains("Mail.ReadWrite", "Mail.Send");
        graphSwitch.switchToGraph(m.connectionId(), sink, GraphSwitch.Locks.NONE, "test");

        deliver("new");
        assertThat(sync.syncOnce(m.id(), sink, false).newMessages()).isEqualTo(1);
        assertThat(sink.subjects).containsExactlyInAnyOrder("old", "meanwhile", "new");
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status())
                .isEqualTo(dev.mailbridge.core.model.MailboxStatus.AUTHORIZED);
        // and the token keeps renewing over Graph
        emulator.clock().advance(Duration.ofHours(2));
        assertThat(services.tokens().refresh(m.id()).refreshed()).isTrue();
        assertThat(services.tester().test(m.id(), "test").passed()).isTrue();
    }
}
