package dev.mailbridge.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.exchange.MailStore;
import dev.mailbridge.emulator.graph.RestIds;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.TestMessages;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.DelegatedSignIn;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.signin.SignInOptions;
import dev.mailbridge.identity.signin.SignInStart;
import dev.mailbridge.identity.token.InMemoryRefreshTokenStore;
import dev.mailbridge.identity.token.TokenSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Graph client against the emulator's Microsoft Graph over real HTTPS. */
class GraphClientTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String TENANT = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_APP_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADMIN = "admin@contoso.onmicrosoft.com";

    static Emulator emulator;
    static HttpSettings http;
    static CloudProfile cloud;
    static AppRegistration app;
    static GraphProtocol protocol;
    static TokenSource appTokens;

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        http = HttpSettings.builder().trustPem(emulator.caCertificate()).build();
        cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        app = AppRegistration.confidential(cloud, TENANT, WEB_APP, ClientCredential.secret(Secret.of(WEB_APP_SECRET)));
        appTokens = EntraTokens.appOnly(app, cloud.graphAppScope(), http);
        protocol = GraphProtocol.builder(emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL))
                .httpSettings(http)
                .build();
    }

    @AfterEach
    void resetThrottling() {
        emulator.graph().throttle().reset();
    }

    static MailStore store() {
        return emulator.exchange().mailboxes();
    }

    /**
     * Delivers to Adele as if by SMTP (into {@code folder}, else the inbox); the store gives the EWS
     * ItemId, Graph takes it in the REST format.
     */
    static String deliver(String folder, byte[] mime) {
        return RestIds.toRest(store().deliver(ADELE, folder, mime));
    }

    static String deliver(byte[] mime) {
        return deliver("inbox", mime);
    }

    static byte[] message(String subject, String to) {
        return TestMessages.plain(subject, to);
    }

    GraphClient adele() {
        return protocol.appOnly(appTokens, ADELE);
    }

    @Test
    void appOnlyListsFoldersAndChildFolders() {
        List<MailFolder> folders = adele().folders();
        assertThat(folders).extracting(MailFolder::displayName).contains("Inbox", "Sent Items", "Deleted Items");
        String name = "Child-" + UUID.randomUUID();
        MailFolder child = adele().createFolder("inbox", name);
        assertThat(adele().childFolders("inbox")).extracting(MailFolder::id).contains(child.id());
        assertThat(adele().folder("inbox").id())
                .isEqualTo(folders.stream()
                        .filter(f -> f.displayName().equals("Inbox"))
                        .findFirst()
                        .orElseThrow()
                        .id());
    }

    @Test
    void deltaSyncsSeveralPagesThenAnIncrementalRound() {
        String name = "Delta-" + UUID.randomUUID();
        MailFolder folder = adele().createFolder("msgfolderroot", name);
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            delivered.add(deliver(name, message("delta " + i, ADELE)));
        }
        List<DeltaPage> pages = new ArrayList<>();
        String state = adele().syncFolder(folder.id(), null, 3, pages::add);
        assertThat(pages).hasSize(3); // 3 + 3 + 1
        assertThat(pages.subList(0, 2)).allSatisfy(p -> assertThat(p.nextLink()).isNotNull());
        List<String> seen = pages.stream()
                .flatMap(p -> p.changes().stream())
                .map(DeltaPage.Change::id)
                .toList();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(delivered);
        assertThat(state).contains("deltatoken");

        String fresh = deliver(name, message("delta new", ADELE));
        adele().markRead(delivered.get(0), true);
        adele().delete(delivered.get(1));
        Map<String, DeltaPage.Change> round = new HashMap<>();
        String next =
                adele().syncFolder(folder.id(), state, 10, p -> p.changes().forEach(c -> round.put(c.id(), c)));
        assertThat(round).containsOnlyKeys(fresh, delivered.get(0), delivered.get(1));
        assertThat(round.get(fresh).message().subject()).isEqualTo("delta new");
        assertThat(round.get(delivered.get(0)).message().isRead()).isTrue();
        assertThat(round.get(delivered.get(1)).removed()).isTrue();
        assertThat(next).isNotEqualTo(state);
    }

    @Test
    void anInvalidDeltaTokenAsksForAResync() {
        String state = adele().syncFolder("inbox", null, 50, p -> {});
        store().invalidateSyncStates();
        assertThatThrownBy(() -> adele().syncFolder("inbox", state, 50, p -> {}))
                .isInstanceOfSatisfying(GraphResyncRequiredException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(410);
                    assertThat(e.code()).isEqualTo("SyncStateNotFound");
                    assertThat(e.requestId()).isPresent();
                    assertThat(e.getMessage()).contains("sync the folder again");
                });
        assertThat(adele().syncFolder("inbox", null, 50, p -> {})).isNotNull();
        // A stored link that points elsewhere is never followed with the token.
        assertThatThrownBy(() -> adele().syncFolder("inbox", "https://evil.example/v1.0/x?$deltatoken=1", 50, p -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with");
    }

    @Test
    void mimeIsStreamedAsDelivered() {
        byte[] original = message("mime " + UUID.randomUUID(), ADELE);
        String id = deliver(original);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long n = adele().downloadMime(id, sink);
        assertThat(n).isEqualTo(original.length);
        assertThat(sink.toByteArray()).isEqualTo(original);
        MailMessage meta = adele().message(id);
        assertThat(meta.subject()).startsWith("mime ");
        assertThat(meta.fromAddress()).isEqualTo("sender@example.com");
        assertThat(meta.isRead()).isFalse();
    }

    @Test
    void sendMailJsonAndMimeLandInTheRecipientsInbox() {
        String subject = "json " + UUID.randomUUID();
        adele().sendMail(OutgoingMail.text(subject, "Hello from Graph", ADMIN));
        assertThat(store().subjects(ADMIN, "inbox")).contains(subject);
        assertThat(store().subjects(ADELE, "sentitems")).contains(subject);

        String mimeSubject = "mime send " + UUID.randomUUID();
        byte[] mime = message(mimeSubject, ADMIN);
        adele().sendMime(() -> new ByteArrayInputStream(mime));
        assertThat(store().subjects(ADMIN, "inbox")).contains(mimeSubject);
    }

    @Test
    void markCategoriesMoveCopyAndDelete() {
        String id = deliver(message("ops " + UUID.randomUUID(), ADELE));
        assertThat(adele().markRead(id, true).isRead()).isTrue();
        assertThat(adele().setCategories(id, List.of("Red category")).categories())
                .containsExactly("Red category");
        MailFolder archive = adele().createFolder("msgfolderroot", "Archive-" + UUID.randomUUID());
        MailMessage copy = adele().copy(id, archive.id());
        assertThat(copy.parentFolderId()).isEqualTo(archive.id());
        MailMessage moved = adele().move(id, archive.id());
        assertThat(moved.id()).isNotEqualTo(id);
        assertThatThrownBy(() -> adele().message(id))
                .isInstanceOfSatisfying(
                        GraphNotFoundException.class, e -> assertThat(e.code()).isEqualTo("ErrorItemNotFound"));
        adele().delete(moved.id());
        assertThat(adele().message(adele().move(copy.id(), "deleteditems").id()).parentFolderId())
                .isEqualTo(adele().folder("deleteditems").id());
    }

    @Test
    void delegatedSignInReadsTheUsersOwnMailbox() throws Exception {
        Set<String> scopes = Set.of(cloud.graphScope("Mail.ReadWrite"), cloud.graphScope("Mail.Send"));
        InMemoryRefreshTokenStore vault = new InMemoryRefreshTokenStore();
        DelegatedSignIn signIn = new DelegatedSignIn(app, http, vault);
        URI callback = URI.create("http://localhost:8080/oauth2/callback");
        SignInStart start =
                signIn.start("adele", SignInOptions.builder(callback, scopes).build());
        Map<String, String> params = new SignInBrowser(emulator.sslContext())
                .signIn(
                        start.authorizationUrl(),
                        callback.toString(),
                        SignInBrowser.Person.of(ADELE, "Adele-Passw0rd!"))
                .params();
        signIn.complete(start.pending(), params);
        TokenSource tokens = EntraTokens.delegated(app, scopes, vault, "adele", http);
        GraphClient me = protocol.delegated(tokens);
        String id = deliver(message("delegated", ADELE));
        assertThat(me.message(id).subject()).isEqualTo("delegated");
        assertThat(me.mailbox()).isEmpty();

        // A delegated user reaching another mailbox is refused, and the message names what to change.
        GraphClient other = protocol.client(new dev.mailbridge.identity.token.BearerAuthenticator(tokens), ADMIN);
        assertThatThrownBy(other::folders).isInstanceOfSatisfying(GraphAccessDeniedException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("ErrorAccessDenied");
            assertThat(e.getMessage()).contains("Mail.ReadWrite", "admin consent", "RBAC for Applications");
        });
    }

    @Test
    void aDeniedPermissionIsExplained() {
        TokenSource ewsOnly = EntraTokens.appOnly(app, cloud.ewsAppScope(), http);
        assertThatThrownBy(() -> protocol.appOnly(ewsOnly, ADELE).folders())
                .isInstanceOfSatisfying(GraphAuthenticationException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("InvalidAuthenticationToken");
                    assertThat(e.getMessage()).contains("audience").doesNotContain("eyJ");
                });
        assertThatThrownBy(() -> adele().message("AAMkAGnotthere")).isInstanceOf(GraphNotFoundException.class);
    }

    @Test
    void throttlingIsObeyedAndNothingIsLost() {
        String id = deliver(message("throttled", ADELE));
        emulator.graph().throttle().throttle(ADELE, 2, 1);
        assertThat(adele().message(id).subject()).isEqualTo("throttled");

        GraphProtocol impatient = GraphProtocol.builder(emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL))
                .httpSettings(http)
                .retryBudget(Duration.ZERO)
                .build();
        emulator.graph().throttle().throttle(ADELE, 1, 1);
        assertThatThrownBy(() -> impatient.appOnly(appTokens, ADELE).message(id))
                .isInstanceOfSatisfying(GraphThrottledException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("ApplicationThrottled");
                });
    }

    @Test
    void neverMoreThanFourRequestsInFlightPerMailbox() throws Exception {
        // Without retries a fifth concurrent request would surface as the emulator's 429.
        GraphProtocol strict = GraphProtocol.builder(emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL))
                .httpSettings(http)
                .retryBudget(Duration.ZERO)
                .build();
        GraphClient client = strict.appOnly(appTokens, ADELE);
        String id = deliver(message("concurrent", ADELE));
        emulator.graph().throttle().delay(200);
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            List<Future<MailMessage>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(pool.submit(() -> client.message(id)));
            }
            for (Future<MailMessage> f : futures) {
                assertThat(f.get(30, TimeUnit.SECONDS).subject()).isEqualTo("concurrent");
            }
        }
        // The test can fail: six callers with gates of their own (one protocol each) get the 429.
        List<Future<?>> futures = new ArrayList<>();
        int refused = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                GraphClient own = GraphProtocol.builder(emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL))
                        .httpSettings(http)
                        .retryBudget(Duration.ZERO)
                        .build()
                        .appOnly(appTokens, ADELE);
                futures.add(pool.submit(() -> own.message(id)));
            }
            for (Future<?> f : futures) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(GraphThrottledException.class);
                    assertThat(e.getCause().getMessage()).contains("at most 4");
                    refused++;
                }
            }
        }
        assertThat(refused)
                .as("the emulator refuses a fifth concurrent request")
                .isPositive();
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndRetried() {
        java.util.concurrent.atomic.AtomicInteger invalidations = new java.util.concurrent.atomic.AtomicInteger();
        TokenSource counting = new TokenSource() {
            @Override
            public dev.mailbridge.identity.token.AccessToken token() {
                return appTokens.token();
            }

            @Override
            public dev.mailbridge.identity.token.AccessToken refreshNow() {
                return appTokens.refreshNow();
            }

            @Override
            public boolean invalidate(String rejected) {
                invalidations.incrementAndGet();
                return appTokens.invalidate(rejected);
            }
        };
        GraphClient client = protocol.appOnly(counting, ADELE);
        client.folder("inbox");
        assertThat(invalidations).hasValue(0);
        emulator.clock().advance(Duration.ofHours(3));
        assertThat(client.folder("inbox").displayName()).isEqualTo("Inbox");
        assertThat(invalidations).hasValue(1);
    }

    @Test
    void subscriptionCreateNotifyRenewAndDelete() throws Exception {
        BlockingQueue<GraphNotifications.Notification> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/notify", exchange -> {
            var token =
                    GraphNotifications.validationToken(exchange.getRequestURI().getRawQuery());
            byte[] answer = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
            if (token.isEmpty()) {
                received.addAll(GraphNotifications.parse(exchange.getRequestBody()));
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(token.isPresent() ? 200 : 202, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        receiver.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/notify");
            String secret = "state-" + UUID.randomUUID();
            Instant now = emulator.clock().instant();
            Subscription s = adele().subscribe(
                            adele().folderResource("inbox"),
                            "created,updated",
                            url,
                            url,
                            secret,
                            now.plus(Duration.ofHours(1)));
            assertThat(s.clientState()).isEqualTo(secret);

            String id = deliver(message("notified", ADELE));
            GraphNotifications.Notification n = received.poll(10, TimeUnit.SECONDS);
            assertThat(n).isNotNull();
            assertThat(n.subscriptionId()).isEqualTo(s.id());
            assertThat(n.changeType()).isEqualTo("created");
            assertThat(n.messageId()).isEqualTo(id);
            assertThat(n.clientStateMatches(secret)).isTrue();
            assertThat(n.clientStateMatches("forged")).isFalse();

            Subscription renewed = adele().renew(s, now.plus(Duration.ofHours(2)));
            assertThat(renewed.id()).isEqualTo(s.id());
            assertThat(renewed.expirationDateTime()).isAfter(s.expirationDateTime());

            emulator.graph().subscriptions().lifecycle(s.id(), "reauthorizationRequired");
            GraphNotifications.Notification life = received.poll(10, TimeUnit.SECONDS);
            assertThat(life).isNotNull();
            assertThat(life.lifecycle()).isTrue();
            assertThat(life.lifecycleEvent()).isEqualTo("reauthorizationRequired");

            emulator.graph().subscriptions().expire(s.id());
            Subscription recreated = adele().renew(renewed, now.plus(Duration.ofHours(3)));
            assertThat(recreated.id()).isNotEqualTo(s.id());
            assertThat(recreated.clientState()).isEqualTo(secret);
            adele().unsubscribe(recreated.id());
            assertThat(emulator.graph().subscriptions().describe().toString()).doesNotContain(recreated.id());
            adele().unsubscribe(recreated.id()); // already gone: no error
        } finally {
            receiver.stop(0);
        }
    }
}
