package dev.mailbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.connect.ContosoApp;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.graph.GraphNotifications;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Watching Microsoft Graph mailboxes through Graph change notifications, against the emulator's
 * subscriptions: a real loopback HTTP receiver answers Graph's validation handshake and hands every other POST
 * to {@link MailboxWatchers#graphNotification}. Nothing polls in these tests, so mail that arrives arrived
 * because of a notification (or the catch-up pass after a subscription, which {@link #settled} waits out).
 */
class GraphWatchTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    private Emulator emulator;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void reset() {
        emulator = EMULATOR.emulator();
        emulator.exchange().faults().reset();
        emulator.graph().throttle().reset();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Graph's side of the notification URL, as the server's endpoint does it. */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<String> validations = new CopyOnWriteArrayList<>();
        final AtomicInteger accepted = new AtomicInteger();
        volatile MailboxWatchers watchers;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/graph/notifications", this::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        URI url() {
            return URI.create("http://localhost:" + server.getAddress().getPort() + "/graph/notifications");
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                Optional<String> token =
                        GraphNotifications.validationToken(ex.getRequestURI().getRawQuery());
                if (token.isPresent()) {
                    validations.add(token.get());
                    byte[] b = token.get().getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                    ex.sendResponseHeaders(200, b.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(b);
                    }
                    return;
                }
                byte[] body = ex.getRequestBody().readAllBytes();
                accepted.addAndGet(watchers.graphNotification(new ByteArrayInputStream(body)));
                ex.sendResponseHeaders(202, -1);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** One Graph mailbox of the Contoso app, synced into {@link #subjects} by its watch alone. */
    final class Rig {
        final Stores stores;
        final MailboxServices services;
        final Mailbox mailbox;
        final String address;
        final Receiver receiver;
        final List<String> subjects = new CopyOnWriteArrayList<>();
        final AtomicInteger passes = new AtomicInteger();
        final SyncRequests requests;
        MailboxWatchers watchers;

        Rig(TestDatabases.Kind kind) throws Exception {
            stores = new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
            services = new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
            address = ContosoApp.newMailbox(emulator, "graphwatch");
            UUID conn = ContosoApp.connection(services, emulator, Transport.GRAPH);
            mailbox = services.connections().addMailbox(conn, address, Optional.empty(), "test");
            MailboxSync sync = new MailboxSync(stores, services.access(), emulator.clock());
            MessageSink sink = (m, itemId, mime) -> {
                String text = Files.readString(mime);
                int at = text.indexOf("Subject: ");
                subjects.add(text.substring(at + 9, text.indexOf('\r', at)));
            };
            requests = new SyncRequests(
                    id -> {
                        sync.syncOnce(id, sink, false);
                        passes.incrementAndGet();
                    },
                    2);
            receiver = new Receiver();
            open.add(receiver);
            open.add(requests);
        }

        MailboxWatchers start(MailboxWatchers.Options options) {
            watchers = new MailboxWatchers(stores, services.access(), requests, options, emulator.clock());
            receiver.watchers = watchers;
            open.add(watchers);
            return watchers;
        }

        MailboxWatchers.Options options() {
            return MailboxWatchers.Options.defaults()
                    .withGraph(MailboxWatchers.GraphOptions.defaults()
                            .withNotificationUrl(receiver.url())
                            .withCheckInterval(Duration.ofMillis(100)));
        }

        /** Starts watching with notifications to the receiver; waits until subscribed and caught up. */
        void watch() throws InterruptedException {
            start(options()).watch(mailbox.id());
            awaitGraphMode();
            settled();
        }

        void awaitGraphMode() throws InterruptedException {
            MailboxWatchersTest.await(
                    "Graph notifications for " + address,
                    () -> watchers.status(mailbox.id()).map(WatchStatus::mode).orElse(null) == NotificationMode.GRAPH);
        }

        void settled() throws InterruptedException {
            MailboxWatchersTest.await("the catch-up pass", () -> passes.get() > 0 && !requests.busy(mailbox.id()));
        }

        /** The emulator's live subscriptions to this rig's receiver. */
        List<JsonNode> subscriptions() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode s : emulator.graph().subscriptions().describe()) {
                if (s.path("notificationUrl").asText().equals(receiver.url().toString())) {
                    out.add(s);
                }
            }
            return out;
        }

        JsonNode onlySubscription() {
            List<JsonNode> all = subscriptions();
            assertThat(all).hasSize(1);
            return all.getFirst();
        }

        void deliver(String subject) {
            String mime = "From: sender@example.com\r\nTo: " + address + "\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
            emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
        }

        void awaitSubjects(String... expected) throws InterruptedException {
            MailboxWatchersTest.await("messages " + List.of(expected), () -> subjects.containsAll(List.of(expected)));
        }

        Optional<GraphSubscriptionStore.Row> stored() {
            return new GraphSubscriptionStore(stores.database().jdbc(), emulator.clock()).get(mailbox.id());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void newMailArrivesThroughAGraphNotificationAndNeverOverEws(TestDatabases.Kind kind) throws Exception {
        Rig rig = new Rig(kind);
        rig.watch();
        JsonNode sub = rig.onlySubscription();
        assertThat(sub.path("resource").asText()).endsWith("/mailFolders('inbox')/messages");
        assertThat(sub.path("lifecycleNotificationUrl").asText())
                .isEqualTo(rig.receiver.url().toString());
        assertThat(rig.receiver.validations)
                .as("the handshakes, notification and lifecycle URL")
                .hasSize(2);
        assertThat(emulator.exchange().notifications().subscriptionIds(rig.address))
                .as("no EWS subscription")
                .isEmpty();
        assertThat(rig.watchers.streams()).isZero();

        GraphSubscriptionStore.Row row = rig.stored().orElseThrow();
        assertThat(row.subscriptionId()).isEqualTo(sub.path("id").asText());
        assertThat(row.folderKey()).isEqualTo("inbox");
        assertThat(row.clientStateSha256()).hasSize(64);
        assertThat(row.expiresAt())
                .isEqualTo(Instant.parse(sub.path("expirationDateTime").asText()));

        rig.deliver("notified");
        rig.awaitSubjects("notified");
        MailboxWatchersTest.await("the notification", () -> rig.watchers.notificationsSeen(rig.mailbox.id()) > 0);
        assertThat(rig.receiver.accepted.get()).isPositive();
        assertThat(rig.subjects).containsExactly("notified");
        assertThat(rig.watchers.status(rig.mailbox.id()).orElseThrow().label()).isEqualTo("Graph change notifications");
    }

    @Test
    void theSubscriptionIsRenewedByPatchWellBeforeItExpires() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        JsonNode before = rig.onlySubscription();
        Instant expires = Instant.parse(before.path("expirationDateTime").asText());

        // past half of the 4,200-minute lifetime: due for renewal, still far from expiring
        emulator.clock().advance(Duration.ofMinutes(2200));
        MailboxWatchersTest.await("a renewal", () -> {
            List<JsonNode> now = rig.subscriptions();
            return now.size() == 1
                    && Instant.parse(now.getFirst().path("expirationDateTime").asText())
                            .isAfter(expires);
        });
        assertThat(rig.onlySubscription().path("id").asText())
                .as("renewed, not created again")
                .isEqualTo(before.path("id").asText());
        assertThat(rig.receiver.validations)
                .as("a PATCH of the expiry is not validated again")
                .hasSize(2);
        MailboxWatchersTest.await(
                "the stored expiry",
                () -> rig.stored().orElseThrow().expiresAt().isAfter(expires));

        rig.deliver("after the renewal");
        rig.awaitSubjects("after the renewal");
    }

    @Test
    void reauthorizationRequiredRenewsAndSyncs() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        JsonNode before = rig.onlySubscription();
        Instant expires = Instant.parse(before.path("expirationDateTime").asText());
        emulator.clock().advance(Duration.ofHours(1)); // not yet due for renewal
        int passes = rig.passes.get();

        assertThat(emulator.graph().subscriptions().lifecycle(before.path("id").asText(), "reauthorizationRequired"))
                .isTrue();
        MailboxWatchersTest.await(
                "a renewal",
                () -> Instant.parse(rig.onlySubscription()
                                .path("expirationDateTime")
                                .asText())
                        .isAfter(expires));
        assertThat(rig.onlySubscription().path("id").asText())
                .isEqualTo(before.path("id").asText());
        MailboxWatchersTest.await("a pass", () -> rig.passes.get() > passes);
    }

    @Test
    void anExpiredSubscriptionIsCreatedAgainAtItsRenewal() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        String old = rig.onlySubscription().path("id").asText();

        assertThat(emulator.graph().subscriptions().expire(old)).isTrue();
        rig.deliver("while expired"); // no notification: Graph no longer has the subscription
        emulator.clock().advance(Duration.ofMinutes(2200)); // the renewal's PATCH gets a 404
        MailboxWatchersTest.await("a new subscription", () -> {
            List<JsonNode> now = rig.subscriptions();
            return now.size() == 1 && !now.getFirst().path("id").asText().equals(old);
        });
        rig.awaitSubjects("while expired"); // the catch-up after the new subscription
        String created = rig.onlySubscription().path("id").asText();
        MailboxWatchersTest.await(
                "the new subscription stored",
                () -> rig.stored().orElseThrow().subscriptionId().equals(created));
        rig.settled();

        rig.deliver("on the new subscription");
        rig.awaitSubjects("on the new subscription");
        assertThat(rig.subjects).containsExactly("while expired", "on the new subscription");
    }

    @Test
    void aRemovedSubscriptionIsCreatedAgain() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        String old = rig.onlySubscription().path("id").asText();

        assertThat(emulator.graph().subscriptions().lifecycle(old, "subscriptionRemoved"))
                .isTrue();
        MailboxWatchersTest.await("a new subscription", () -> {
            List<JsonNode> now = rig.subscriptions();
            return now.size() == 1 && !now.getFirst().path("id").asText().equals(old);
        });
        rig.settled();
        rig.deliver("on the new subscription");
        rig.awaitSubjects("on the new subscription");
        MailboxWatchersTest.await("the notification", () -> rig.watchers.notificationsSeen(rig.mailbox.id()) > 0);
    }

    @Test
    void aNotificationWithAWrongClientStateIsIgnored() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        String id = rig.onlySubscription().path("id").asText();
        int passes = rig.passes.get();

        String forged = "{\"value\":[{\"subscriptionId\":\"" + id + "\",\"changeType\":\"created\","
                + "\"clientState\":\"guessed\",\"resource\":\"Users/x/Messages/y\",\"resourceData\":{\"id\":\"y\"}},"
                + "{\"subscriptionId\":\"" + id + "\",\"lifecycleEvent\":\"subscriptionRemoved\"}]}";
        HttpResponse<Void> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(rig.receiver.url())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(forged))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(rig.receiver.accepted.get()).isZero();
        assertThat(rig.watchers.notificationsSeen(rig.mailbox.id())).isZero();
        assertThat(rig.requests.busy(rig.mailbox.id())).as("no pass asked for").isFalse();
        assertThat(rig.passes.get()).isEqualTo(passes);
        assertThat(rig.watchers.graphNotification(new ByteArrayInputStream(forged.getBytes(StandardCharsets.UTF_8))))
                .isZero();
        assertThat(rig.onlySubscription().path("id").asText())
                .as("the forged subscriptionRemoved changed nothing")
                .isEqualTo(id);
    }

    @Test
    void aRestartRenewsTheStoredSubscriptionAndUnwatchDeletesIt() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        rig.watch();
        String id = rig.onlySubscription().path("id").asText();
        Instant expires = rig.stored().orElseThrow().expiresAt();

        rig.watchers.close(); // stopping keeps the subscription, for the next start to renew
        assertThat(rig.subscriptions()).hasSize(1);
        emulator.clock().advance(Duration.ofMinutes(10));
        rig.start(rig.options()).watch(rig.mailbox.id());
        rig.awaitGraphMode();
        assertThat(rig.onlySubscription().path("id").asText()).isEqualTo(id);
        assertThat(rig.stored().orElseThrow().expiresAt()).isAfter(expires);
        assertThat(rig.receiver.validations).as("no new subscription").hasSize(2);
        rig.settled();
        rig.deliver("after the restart");
        rig.awaitSubjects("after the restart");

        rig.watchers.unwatch(rig.mailbox.id());
        MailboxWatchersTest.await(
                "the subscription deleted", () -> rig.subscriptions().isEmpty());
        MailboxWatchersTest.await(
                "the stored subscription deleted", () -> rig.stored().isEmpty());
    }

    @Test
    void withoutAPublicHttpsUrlGraphMailboxesArePolledWithANotice() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2);
        MailboxWatchers.Options options = MailboxWatchers.Options.defaults()
                .withGraph(MailboxWatchers.GraphOptions.defaults()
                        .withNotificationUrl(URI.create("http://mailbridge.example.com/graph/notifications"))
                        .withPollInterval(Duration.ofSeconds(45)));
        rig.start(options).watch(rig.mailbox.id());
        WatchStatus status = rig.watchers.status(rig.mailbox.id()).orElseThrow();
        assertThat(status.mode()).isEqualTo(NotificationMode.POLL);
        assertThat(status.label())
                .isEqualTo("Polling (Graph change notifications need a public https URL, and the notification URL is"
                        + " http://mailbridge.example.com/graph/notifications: polling Microsoft Graph every 45 s."
                        + " Set mailbridge.public-base-url to the server's public https address.)");
        assertThat(rig.subscriptions()).isEmpty();
        assertThat(emulator.graph().subscriptions().describe().findValuesAsText("notificationUrl"))
                .noneMatch(u -> u.contains("mailbridge.example.com"));
        assertThat(emulator.exchange().notifications().subscriptionIds(rig.address))
                .as("never over EWS")
                .isEmpty();
        assertThat(rig.watchers.countByMode().get(NotificationMode.POLL)).isEqualTo(1);
    }

    @Test
    void whichUrlsGraphCanReach() {
        Duration poll = Duration.ofSeconds(30);
        Optional<String> cloud = Optional.empty();
        Optional<String> local = Optional.of("https://localhost:8443/v1.0");
        assertThat(GraphWatch.unusable(URI.create("https://mailbridge.example.com/graph/notifications"), cloud, poll))
                .isEmpty();
        assertThat(GraphWatch.unusable(URI.create("http://localhost:8080/graph/notifications"), local, poll))
                .as("the emulator reaches this machine")
                .isEmpty();
        assertThat(GraphWatch.unusable(URI.create("http://localhost:8080/graph/notifications"), cloud, poll))
                .hasValueSatisfying(r -> assertThat(r)
                        .contains("need a public https URL")
                        .contains("http://localhost:8080/graph/notifications")
                        .contains("every 30 s")
                        .contains("mailbridge.public-base-url"));
        assertThat(GraphWatch.unusable(
                        URI.create("http://localhost:8080/graph/notifications"),
                        Optional.of("https://graph.example.net/v1.0"),
                        poll))
                .isPresent();
        assertThat(GraphWatch.unusable(null, local, poll))
                .hasValueSatisfying(r -> assertThat(r).contains("none is configured"));
    }
}
