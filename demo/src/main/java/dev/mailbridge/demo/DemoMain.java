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

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".mailbridge/demo");
        int port = Integer.parseInt(System.getProperty("mailbridge.demo.port", "8080"));
        Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .httpsPort(Integer.parseInt(System.getProperty("mailbridge.demo.emulator-port", "8443")))
                .stateDir(root.resolve("emulator"))
                .build());
        emulator.writeDescribe(root.resolve("emulator.json"));
        ConfigurableApplicationContext server = SpringApplication.run(
                MailbridgeServer.class,
                "--mailbridge.data-dir=" + root.resolve("server"),
                "--mailbridge.public-base-url=http://localhost:" + port,
                "--server.port=" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            emulator.close();
        }));
        seed(server, emulator);
        System.out.println();
        System.out.println("Mailbridge demo is running.");
        System.out.println(
                "  Mailbridge:  http://localhost:" + port + "   (sign in as " + ADMIN + " / " + ADMIN_PASSWORD + ")");
        System.out.println("  Emulator:    " + emulator.loginUrl() + "   (mailbox sign-in: adele.vance@contoso"
                + ".onmicrosoft.com / Adele-Passw0rd!)");
        System.out.println("  State:       " + root.toAbsolutePath() + "   (delete it to start over)");
        System.out.println("Press Ctrl-C to stop.");
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
