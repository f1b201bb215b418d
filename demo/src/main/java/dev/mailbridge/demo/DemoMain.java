package dev.mailbridge.demo;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.User;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.server.MailbridgeServer;
import dev.mailbridge.server.security.UserAccounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
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

    private DemoMain() {}

    /** The running demo: close it to stop both. */
    public record Running(Emulator emulator, ConfigurableApplicationContext server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            emulator.close();
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".mailbridge/demo");
        int port = Integer.parseInt(System.getProperty("mailbridge.demo.port", "8080"));
        int emulatorPort = Integer.parseInt(System.getProperty("mailbridge.demo.emulator-port", "8443"));
        Running demo = start(root, port, emulatorPort);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close));
        System.out.println();
        System.out.println("Mailbridge demo is running.");
        System.out.println(
                "  Mailbridge:  http://localhost:" + port + "   (sign in as " + ADMIN + " / " + ADMIN_PASSWORD + ")");
        System.out.println("  Emulator:    " + demo.emulator().loginUrl()
                + "   (mailbox sign-in: adele.vance@contoso.onmicrosoft.com / Adele-Passw0rd!)");
        System.out.println("  State:       " + root.toAbsolutePath() + "   (delete it to start over)");
        System.out.println("Press Ctrl-C to stop.");
    }

    /** Starts the emulator and the server (port 0 = a free one for the emulator), seeded on first start. */
    public static Running start(Path root, int port, int emulatorPort) throws IOException {
        Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .httpsPort(emulatorPort)
                .stateDir(root.resolve("emulator"))
                .build());
        try {
            emulator.writeDescribe(root.resolve("emulator.json"));
            registerRedirectUri(emulator, "http://localhost:" + port + "/oauth2/callback");
            ConfigurableApplicationContext server = SpringApplication.run(
                    MailbridgeServer.class,
                    "--mailbridge.data-dir=" + root.resolve("server"),
                    "--mailbridge.public-base-url=http://localhost:" + port,
                    "--server.port=" + port);
            seed(server, emulator);
            return new Running(emulator, server);
        } catch (RuntimeException | IOException e) {
            emulator.close();
            throw e;
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

    /** First start only: an admin, an organisation and one connection per sign-in mode. */
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
        var c = services.connections();
        UUID contoso = c.createOrganisation("Contoso (emulated Exchange Online)", "demo")
                .id();
        UUID delegated = c.create(
                        contoso,
                        ConnectionSettings.builder("Support mailbox (OAuth delegated)", SignInMode.OAUTH_DELEGATED)
                                .ewsUrl(ews)
                                .loginAuthority(login)
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of("Mbr8Q~emulator.web.app.secret.value.0001"))
                                .trustedCaPem(ca)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(delegated, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "demo");
        UUID appOnly = c.create(
                        contoso,
                        ConnectionSettings.builder("Help desk (OAuth app-only)", SignInMode.OAUTH_APP_ONLY)
                                .ewsUrl(ews)
                                .loginAuthority(login)
                                .tenantId("c0a7c0a7-0000-4000-8000-000000000001")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of("Mbr8Q~emulator.web.app.secret.value.0001"))
                                .trustedCaPem(ca)
                                .build(),
                        "demo")
                .id();
        c.addMailbox(appOnly, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "demo");
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
