package dev.mailbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.server.web.HomeGuide;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.mvc.support.RedirectAttributesModelMap;

/**
 * `./mailbridge demo` starts seeded with a connection per sign-in mode that work, sample mail reaches the
 * webhook inspector signed, a reply goes out, and a second start keeps the data.
 */
class DemoTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path state;

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void startsSeededSampleMailReachesTheInspectorAndARestartKeepsTheData() throws Exception {
        int port = freePort();
        // The same emulator port for both starts, as ./mailbridge demo's 8443: the seeded connections name it.
        int emulatorPort = freePort();
        long eventsBefore;
        try (DemoMain.Running demo = DemoMain.start(state, port, emulatorPort, Duration.ofSeconds(1))) {
            assertThat(get(port, "/login").statusCode()).isEqualTo(200);
            assertThat(get(port, "/demo/inbox").statusCode())
                    .as("the inspector page is for signed-in administrators")
                    .isEqualTo(302);

            MailboxServices services = demo.server().getBean(MailboxServices.class);
            var stores = services.stores();
            assertThat(stores.connections().all())
                    .extracting(c -> c.signInMode())
                    .contains(SignInMode.values())
                    .hasSize(SignInMode.values().length + 1);
            assertThat(stores.connections().all())
                    .filteredOn(c -> c.transport() == dev.mailbridge.core.model.Transport.GRAPH)
                    .extracting(c -> c.signInMode())
                    .containsExactly(SignInMode.OAUTH_APP_ONLY);
            // Ready at start: app-only authorized, Basic tested green; the delegated one waits for Authorize.
            for (Mailbox m : stores.mailboxes().all()) {
                var c = stores.connections().get(m.connectionId()).orElseThrow();
                assertThat(m.status())
                        .as(c.name())
                        .isEqualTo(
                                c.signInMode() == SignInMode.OAUTH_DELEGATED
                                        ? MailboxStatus.NOT_AUTHORIZED
                                        : MailboxStatus.AUTHORIZED);
            }
            var delegated = stores.connections().all().stream()
                    .filter(c -> c.signInMode() == SignInMode.OAUTH_DELEGATED)
                    .findFirst()
                    .orElseThrow();
            assertThat(services.connections().missingForAuthorize(delegated)).isEmpty();
            // the Exchange Online connections over EWS can switch to the emulator's Graph from their notice
            var helpDesk = stores.connections().all().stream()
                    .filter(c -> c.signInMode() == SignInMode.OAUTH_APP_ONLY
                            && c.transport() == dev.mailbridge.core.model.Transport.EWS)
                    .findFirst()
                    .orElseThrow();
            var check = demo.server()
                    .getBean(dev.mailbridge.server.ReceiveScheduler.class)
                    .checkSwitchToGraph(helpDesk.id());
            assertThat(check.ok()).as(check.errors().toString()).isTrue();
            assertThat(demo.emulator()
                            .entra()
                            .directory()
                            .app("contoso.onmicrosoft.com", "c0a7c0a7-0000-4000-8000-0000000000a1")
                            .redirectUris())
                    .anySatisfy(u -> assertThat(u.uri()).isEqualTo("http://localhost:" + port + "/oauth2/callback"));
            assertThat(demo.server().getBean(ReceiveSettings.class).listEnabled())
                    .hasSize(3);

            // Sample mail -> EWS sync -> signed webhook -> the inspector.
            WebhookInspector inspector = demo.server().getBean(WebhookInspector.class);
            HomeGuide guide = demo.server().getBean(HomeGuide.class);
            assertThat(guide.steps()).extracting(HomeGuide.Step::done).containsExactly(false, false, false, false);
            waitFor("a sample message in the inspector", () -> inspector.any("message.received"));
            WebhookInspector.Event received = inspector.events().stream()
                    .filter(e -> e.type().equals("message.received"))
                    .findFirst()
                    .orElseThrow();
            assertThat(received.signatureValid()).isTrue();
            // and over Microsoft Graph: the Sales desk's sample
            waitFor(
                    "a sample message received over Graph",
                    () -> inspector.events().stream()
                            .anyMatch(e -> e.type().equals("message.received")
                                    && e.body().contains(SampleMail.SALES)));
            assertThat(received.idempotencyKey()).isNotBlank();
            assertThat(received.data().path("from").path("address").asText()).endsWith(".example");
            assertThat(inspector.events())
                    .as("the out-of-office reply is skipped by loop protection")
                    .noneMatch(e -> e.summary().contains("Automatic reply"));

            // A request that is not signed with the target's secret is shown as such, and refused.
            var forged = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + WebhookInspector.PATH))
                            .header("Mailbridge-Event", "message.received")
                            .header("Mailbridge-Signature", "t=" + Instant.now().getEpochSecond() + ",v1=00")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"message.received\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(inspector.events().getFirst().signatureValid()).isFalse();

            // Reply from the inspector: sent through the mailbox, and its message.sent event arrives.
            SecurityContextHolder.getContext()
                    .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                            "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
            RedirectAttributesModelMap flash = new RedirectAttributesModelMap();
            String next = demo.server()
                    .getBean(InspectorController.class)
                    .reply(received.number(), "We will send replacements today.", flash);
            assertThat(next).isEqualTo("redirect:/demo/inbox");
            assertThat(flash.getFlashAttributes().get("notice").toString()).contains("sent");
            waitFor("the reply's message.sent event", () -> inspector.any("message.sent"));
            assertThat(guide.steps()).extracting(HomeGuide.Step::done).containsExactly(false, false, true, true);
            eventsBefore = inspector.events().size();

            // Step 1 and 2 as the visitor does them: Authorize (the emulator's sign-in page), Test Connection.
            UUID adele = stores.mailboxes().list(delegated.id()).getFirst().id();
            String callback = "http://localhost:" + port + "/oauth2/callback";
            var redirect = services.authorizations().start(adele, URI.create(callback), "admin");
            var outcome = new SignInBrowser(demo.emulator().sslContext())
                    .signIn(
                            redirect.authorizationUrl(),
                            callback,
                            SignInBrowser.Person.of(SampleMail.ADELE, DemoMain.ADELE_PASSWORD));
            services.authorizations().complete(outcome.params());
            assertThat(services.tester().test(adele, "admin").passed()).isTrue();
            assertThat(guide.steps()).extracting(HomeGuide.Step::done).containsExactly(true, true, true, true);
        }

        // Ctrl-C and again: the same organisations, target and inspector history.
        try (DemoMain.Running again = DemoMain.start(state, port, emulatorPort, Duration.ZERO)) {
            var stores = again.server().getBean(MailboxServices.class).stores();
            assertThat(stores.organisations().list()).hasSize(2);
            assertThat(stores.connections().all()).hasSize(SignInMode.values().length + 1);
            assertThat(again.server().getBean(DeliveryTargetStore.class).list())
                    .filteredOn(t -> t.name().equals(WebhookInspector.TARGET_NAME))
                    .hasSize(1);
            assertThat(again.server().getBean(WebhookInspector.class).events())
                    .hasSizeGreaterThanOrEqualTo((int) eventsBefore);
            // The emulator kept Adele's refresh token: her mailbox still signs in, no new Authorize needed.
            var services = again.server().getBean(MailboxServices.class);
            var adele = stores.mailboxes().all().stream()
                    .filter(m -> stores.connections()
                                    .get(m.connectionId())
                                    .orElseThrow()
                                    .signInMode()
                            == SignInMode.OAUTH_DELEGATED)
                    .findFirst()
                    .orElseThrow();
            var report = services.tester().test(adele.id(), "admin");
            assertThat(report.passed()).as(report.steps().toString()).isTrue();
        }
    }

    @Test
    void theSampleMailIntervalIsCheckedWithAClearMessage() {
        assertThat(Trickle.parse(null)).isEqualTo(Trickle.DEFAULT);
        assertThat(Trickle.parse("PT20S")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Trickle.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Trickle.parse("0")).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Trickle.parse("often"))
                .hasMessageContaining("MAILBRIDGE_DEMO_TRICKLE=often")
                .hasMessageContaining("PT20S");
    }

    @Test
    void theSampleAttachmentsAreRealFiles() throws Exception {
        byte[] pdf = SampleMail.pdf("Invoice (test)");
        assertThat(new String(pdf, java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("%PDF-1.4")
                .endsWith("%%EOF\n");
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(SampleMail.png()));
        assertThat(image.getWidth()).isEqualTo(240);
        SampleMail samples = new SampleMail();
        SampleMail.Sample request = samples.next(0);
        SampleMail.Sample reply = samples.next(2);
        String requestId = header(request.mime(), "Message-ID");
        assertThat(header(reply.mime(), "In-Reply-To")).isEqualTo(requestId);
        assertThat(header(reply.mime(), "References")).isEqualTo(requestId);
        assertThat(header(samples.next(4).mime(), "Auto-Submitted")).isEqualTo("auto-replied");
    }

    private static String header(byte[] mime, String name) throws Exception {
        var m = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(mime));
        return m.getHeader(name, ",");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + what + " within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
