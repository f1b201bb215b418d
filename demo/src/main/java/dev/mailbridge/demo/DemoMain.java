package dev.mailbridge.demo;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.server.MailbridgeServer;
import dev.mailbridge.server.security.UserAccounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./mailbridge demo}: the emulated tenant (Entra ID, EWS, Autodiscover) on https://localhost:8443,
 * and the Mailbridge server on http://localhost:8080 with its embedded database, seeded on first start
 * with an admin and one connection per sign-in mode, all pointing at the emulator. State is kept under
 * {@code .mailbridge/demo}; delete it to start over.
 */
public final class DemoMain {
    /** Documented in README.md: a local demo's sign-in, never used elsewhere. */
    static final String ADMIN = "admin";

    static final String ADMIN_PASSWORD = "mailbridge-demo";

    static final String CONTOSO_TENANT_ID = "c0a7c0a7-0000-4000-8000-000000000001";

    /** The emulator's default configuration gives Adele this password. */
    static final String ADELE_PASSWORD = "Adele-Passw0rd!";

    /** The demo's receiving mailboxes are polled this often (the server's default is 30 s). */
    static final String POLL_INTERVAL = "PT5S";

    private DemoMain() {}

    /** The running demo: close it to stop the sample mail, the server and the emulator, in that order. */
    public record Running(Emulator emulator, ConfigurableApplicationContext server, Trickle trickle)
            implements AutoCloseable {
        @Override
        public void close() {
            trickle.close();
            server.close();
            emulator.close();
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".mailbridge/demo");
        int port = Integer.parseInt(System.getProperty("mailbridge.demo.port", "8080"));
        int emulatorPort = Integer.parseInt(System.getProperty("mailbridge.demo.emulator-port", "8443"));
        Duration trickle;
        try {
            trickle = Trickle.parse(System.getProperty("mailbridge.demo.trickle", System.getenv(Trickle.ENV)));
        } catch (IllegalArgumentException e) {
            System.err.println("mailbridge demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        Running demo;
        try {
            demo = start(root, port, emulatorPort, trickle);
        } catch (RuntimeException e) {
            System.err.println("mailbridge demo: it could not start: " + rootMessage(e));
            System.err.println("  If a port is in use (" + port + " for Mailbridge, " + emulatorPort + " to "
                    + (emulatorPort + 3) + " for the emulator), stop what holds it or choose others:"
                    + " MAILBRIDGE_JAVA_OPTS=\"-Dmailbridge.demo.port=" + (port + 1)
                    + " -Dmailbridge.demo.emulator-port=" + (emulatorPort + 10) + "\"" + " ./mailbridge demo");
            System.exit(1);
            return;
        }
        // One hook, so the order holds: sample mail, then the server (deliveries in flight finish), then the emulator.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            System.out.println("Mailbridge demo stopped; its data is kept in " + root.toAbsolutePath() + ".");
        }));
        System.out.println();
        System.out.println("Mailbridge demo is running.");
        System.out.println("  Open:        http://localhost:" + port + "   (sign in as " + ADMIN + " / "
                + ADMIN_PASSWORD + "; the home page guides you)");
        System.out.println("  Emulator:    " + demo.emulator().loginUrl() + "   (mailbox sign-in: " + SampleMail.ADELE
                + " / " + ADELE_PASSWORD + ")");
        System.out.println("  Inspector:   http://localhost:" + port + "/demo/inbox   (the webhook events, signed)");
        System.out.println("  Sample mail: "
                + (trickle.isZero() ? "off" : "every " + trickle.toSeconds() + " s") + "   (" + Trickle.ENV
                + "=PT20S sets it, 0 turns it off)");
        System.out.println("  State:       " + root.toAbsolutePath() + "   (delete it to start over)");
        System.out.println("Press Ctrl-C to stop.");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** {@link #start(Path, int, int, Duration)} without sample mail. */
    public static Running start(Path root, int port, int emulatorPort) throws IOException {
        return start(root, port, emulatorPort, Duration.ZERO);
    }

    /**
     * Starts the emulator and the server (port 0 = a free one for the emulator), seeded on first start,
     * ready on every start (see {@link #prepare}), and the sample mail every {@code trickle} (zero: none).
     */
    public static Running start(Path root, int port, int emulatorPort, Duration trickle) throws IOException {
        Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .httpsPort(emulatorPort)
                .stateDir(root.resolve("emulator"))
                .build());
        try {
            emulator.writeDescribe(root.resolve("emulator.json"));
            salesMailbox(emulator);
            registerRedirectUri(emulator, "http://localhost:" + port + "/oauth2/callback");
            DemoWeb.Options options = new DemoWeb.Options(root, trickle);
            ConfigurableApplicationContext server = new SpringApplicationBuilder(MailbridgeServer.class, DemoWeb.class)
                    .initializers(c -> c.getBeanFactory().registerSingleton("demoOptions", options))
                    .registerShutdownHook(false) // the demo's hook closes it, in order
                    .run(
                            "--mailbridge.data-dir=" + root.resolve("server"),
                            "--mailbridge.public-base-url=http://localhost:" + port,
                            "--mailbridge.poll-interval=" + POLL_INTERVAL,
                            "--mailbridge.poll-initial-delay=PT2S",
                            "--server.port=" + port);
            try {
                seed(server, emulator);
                prepare(server, port);
                return new Running(emulator, server, Trickle.start(emulator, trickle));
            } catch (RuntimeException | IOException e) {
                server.close();
                throw e;
            }
        } catch (RuntimeException | IOException e) {
            emulator.close();
            throw e;
        }
    }

    /**
     * Every start (the emulator keeps its mailboxes and sign-ins in memory): the app-only mailbox authorized,
     * the Basic ones tested (green), receiving on for Adele's delegated mailbox and Nancy's Basic one, and the
     * webhook inspector as the delivery target, at this start's port. The Sales desk (Microsoft Graph,
     * app-only) receives too.
     */
    static void prepare(ConfigurableApplicationContext server, int port) {
        MailboxServices services = server.getBean(MailboxServices.class);
        ReceiveSettings receive = server.getBean(ReceiveSettings.class);
        var stores = services.stores();
        for (Connection c : stores.connections().all()) {
            for (Mailbox m : stores.mailboxes().list(c.id())) {
                switch (c.signInMode()) {
                    case OAUTH_APP_ONLY -> {
                        if (m.status() != MailboxStatus.AUTHORIZED) {
                            quietly(() -> services.authorizations().authorizeAppOnly(m.id(), "demo"));
                        }
                    }
                    case BASIC, BASIC_IMPERSONATED ->
                        quietly(() -> services.tester().test(m.id(), "demo"));
                    default -> {}
                }
                boolean receives = c.signInMode() == SignInMode.OAUTH_DELEGATED
                        || c.signInMode() == SignInMode.BASIC
                        || c.transport() == Transport.GRAPH;
                if (receives && receive.get(m.id()).isEmpty()) {
                    receive.put(m.id(), true, false);
                }
            }
        }
        DeliveryTargetStore targets = server.getBean(DeliveryTargetStore.class);
        String url = "http://localhost:" + port + WebhookInspector.PATH;
        var existing = server.getBean(WebhookInspector.class).target();
        if (existing.isPresent() && !existing.get().url().equals(url)) {
            targets.delete(existing.get().id()); // another port than last time
            existing = java.util.Optional.empty();
        }
        if (existing.isEmpty()) {
            targets.create(DeliveryTargetStore.Settings.webhook(
                    WebhookInspector.TARGET_NAME, url, Secret.of(WebhookSignature.newSecret())));
        }
    }

    /** A step of {@link #prepare} that fails is shown on its mailbox page; the demo starts anyway. */
    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            System.err.println("mailbridge demo: " + e.getMessage());
        }
    }

    /** The Sales desk's user and mailbox in the Contoso tenant (the emulator keeps them between starts). */
    static void salesMailbox(Emulator emulator) {
        var directory = emulator.entra().directory();
        if (directory.users(CONTOSO_TENANT_ID).stream().noneMatch(u -> u.upn().equalsIgnoreCase(SampleMail.SALES))) {
            directory.createUser(
                    CONTOSO_TENANT_ID,
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                            .objectNode()
                            .put("upn", SampleMail.SALES)
                            .put("displayName", "Contoso Sales"));
        }
        if (emulator.exchange().store().mailbox(SampleMail.SALES) == null) {
            emulator.exchange().mailboxes().createMailbox(SampleMail.SALES, "Contoso Sales", CONTOSO_TENANT_ID);
        }
    }

    /** The server's callback in the emulated app registration, as an admin does in Entra (any port). */
    static void registerRedirectUri(Emulator emulator, String uri) {
        var directory = emulator.entra().directory();
        var app = directory.app("contoso.onmicrosoft.com", "c0a7c0a7-0000-4000-8000-0000000000a1");
        var patch = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        var uris = patch.putArray("redirectUris");
        app.redirectUris().forEach(u -> uris.add(u.uri()));
        if (app.redirectUris().stream().noneMatch(u -> u.uri().equals(uri))) {
            uris.add(uri);
            directory.patchApp("contoso.onmicrosoft.com", "c0a7c0a7-0000-4000-8000-0000000000a1", patch);
        }
    }

    /** First start only: an admin, an organisation, one connection per sign-in mode and one over Graph. */
    static void seed(ConfigurableApplicationContext server, Emulator emulator) throws IOException {
        MailboxServices services = server.getBean(MailboxServices.class);
        UserAccounts users = server.getBean(UserAccounts.class);
        if (!services.stores().organisations().list().isEmpty()) {
            return;
        }
        if (users.noUsersYet()) {
            users.create(ADMIN, ADMIN_PASSWORD, User.Role.ADMIN, Optional.empty(), "demo");
        }
        String ca = Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII);
        String login = emulator.loginUrl().toString();
        String ews = login + "/EWS/Exchange.asmx";
        String graphUrl =
                emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString();
        var c = services.connections();
        UUID contoso = c.createOrganisation("Contoso (emulated Exchange Online)", "demo")
                .id();
        // The Contoso web app for all three; EWS and the emulator's Graph both named (for "Switch to Graph")
        java.util.function.BiFunction<String, SignInMode, ConnectionSettings.Builder> contosoApp =
                (name, mode) -> ConnectionSettings.builder(name, mode)
                        .ewsUrl(ews)
                        .graphUrl(graphUrl)
                        .loginAuthority(login)
                        .tenantId(CONTOSO_TENANT_ID)
                        .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                        .clientSecret(Secret.of("Mbr8Q~emulator.web.app.secret.value.0001"))
                        .trustedCaPem(ca);
        UUID delegated = c.create(
                        contoso,
                        contosoApp
                                .apply("Support mailbox (OAuth delegated)", SignInMode.OAUTH_DELEGATED)
                                .tenantId("contoso.onmicrosoft.com")
                                .build(),
                        "demo")
                .id();
        c.addMailbox(delegated, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "demo");
        UUID appOnly = c.create(
                        contoso,
                        contosoApp
                                .apply("Help desk (OAuth app-only)", SignInMode.OAUTH_APP_ONLY)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(appOnly, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "demo");
        UUID graph = c.create(
                        contoso,
                        contosoApp
                                .apply("Sales desk (Microsoft Graph, app-only)", SignInMode.OAUTH_APP_ONLY)
                                .transport(Transport.GRAPH)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(graph, SampleMail.SALES, Optional.empty(), "demo");
        UUID northwind = c.createOrganisation("Northwind (emulated Exchange Server)", "demo")
                .id();
        UUID basic = c.create(
                        northwind,
                        ConnectionSettings.builder("Nancy (basic)", SignInMode.BASIC)
                                .ewsUrl(ews)
                                .username("nancy.davolio@northwind.local")
                                .password(Secret.of("Nancy-Passw0rd!"))
                                .trustedCaPem(ca)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(basic, "nancy.davolio@northwind.local", Optional.empty(), "demo");
        UUID impersonated = c.create(
                        northwind,
                        ConnectionSettings.builder(
                                        "Service account (basic, impersonation)", SignInMode.BASIC_IMPERSONATED)
                                .ewsUrl(ews)
                                .username("ews.service@northwind.local")
                                .password(Secret.of("Ews-Service1!"))
                                .trustedCaPem(ca)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(impersonated, "nancy.davolio@northwind.local", Optional.empty(), "demo");
    }
}
