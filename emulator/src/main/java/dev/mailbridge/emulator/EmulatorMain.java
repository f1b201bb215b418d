package dev.mailbridge.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./mailbridge emulator}: runs the emulator until Ctrl-C, and says how to use it. */
@Command(
        name = "mailbridge emulator",
        mixinStandardHelpOptions = true,
        description = "Runs the offline emulator of Microsoft's sign-in (Entra ID) on this machine.",
        sortOptions = false)
public final class EmulatorMain implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration (default: built-in).")
    Path config;

    @Option(
            names = "--describe",
            paramLabel = "FILE",
            description = "Once ready, write endpoints, CA, tenants, apps and users to FILE as JSON.")
    Path describe;

    @Option(
            names = "--https-port",
            paramLabel = "PORT",
            description = "HTTPS port of the global cloud (others follow: +1 usgov, +2 dod, +3 china); 0 = free."
                    + " Default: 8443.")
    Integer httpsPort;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Also serve the global cloud on plain HTTP.")
    Integer httpPort;

    @Option(names = "--host", paramLabel = "NAME", description = "Host name clients use (default: localhost).")
    String host;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: 127.0.0.1; 0.0.0.0 exposes it to the network).")
    String bind;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where the CA and keys are kept (default: ~/.mailbridge/emulator).")
    Path stateDir;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/mailbridge/emulator/logback-cli.xml");
        }
        System.exit(new CommandLine(new EmulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        EmulatorOptions options = EmulatorOptions.builder()
                .configFile(config)
                .httpsPort(httpsPort != null ? httpsPort : 8443)
                .httpPort(httpPort)
                .host(host)
                .bindAddress(bind)
                .stateDir(
                        stateDir != null
                                ? stateDir
                                : Path.of(System.getProperty("user.home"), ".mailbridge", "emulator"))
                .build();
        Emulator emulator;
        try {
            emulator = Emulator.start(options);
        } catch (RuntimeException e) {
            System.err.println("mailbridge emulator: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("Address already in use")) {
                System.err.println(
                        "Another program uses the port. Pick another with --https-port (0 picks a free one).");
            }
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        if (describe != null) {
            emulator.writeDescribe(describe);
        }
        printBanner(emulator.describe(), System.out);
        if (describe != null) {
            System.out.println("Described in " + describe.toAbsolutePath());
        }
        System.out.println("Ready. Ctrl-C stops the emulator.");
        stopped.await();
        return 0;
    }

    static void printBanner(JsonNode doc, PrintStream out) {
        String login = doc.path("login").asText();
        out.println("Mailbridge emulator");
        out.println();
        out.println("Sign-in (Entra ID), per cloud:");
        doc.path("clouds")
                .fields()
                .forEachRemaining(
                        e -> out.printf("  %-7s %s%n", e.getKey(), e.getValue().asText()));
        if (!doc.path("loginHttp").isNull()) {
            out.printf(
                    "  %-7s %s (plain HTTP)%n", "global", doc.path("loginHttp").asText());
        }
        if (!doc.path("ews").isNull()) {
            out.println("EWS (Exchange Web Services): " + doc.path("ews").asText()
                    + (doc.path("loginHttp").isNull() ? "" : " (also on the plain-HTTP port)"));
        }
        if (!doc.path("autodiscover").isNull()) {
            out.println("Autodiscover: " + doc.path("autodiscover").asText()
                    + " (POX: /autodiscover/autodiscover.xml, v2: /autodiscover/autodiscover.json)");
        }
        if (!doc.path("graph").isNull()) {
            out.println("Microsoft Graph: " + doc.path("graph").asText()
                    + " (every cloud's listener; tokens for that cloud's https://graph... resource)");
        }
        out.println("Control API: " + doc.path("control").asText() + " (GET /describe, POST /clock/advance, ...)");
        out.println();
        JsonNode sample = null;
        String sampleTenant = null;
        for (JsonNode tenant : doc.path("tenants")) {
            boolean onPrem = "onprem".equals(tenant.path("kind").asText());
            out.printf(
                    "Tenant %s (%s, %s)%n",
                    tenant.path("domain").asText(),
                    tenant.path("id").asText(),
                    onPrem
                            ? "Exchange Server on-premises, Basic sign-in"
                            : "Exchange Online, " + tenant.path("cloud").asText("global") + " cloud");
            for (JsonNode app : tenant.path("apps")) {
                out.printf(
                        "  app  %s  %s%s%n",
                        app.path("clientId").asText(),
                        app.path("displayName").asText(""),
                        app.hasNonNull("clientSecret")
                                ? "  secret: " + app.path("clientSecret").asText()
                                : "");
                if (sample == null
                        && app.hasNonNull("clientSecret")
                        && "global".equals(tenant.path("cloud").asText("global"))) {
                    sample = app;
                    sampleTenant = tenant.path("domain").asText();
                }
            }
            for (JsonNode user : tenant.path("users")) {
                out.printf(
                        "  user %s  password: %s%n",
                        user.path("upn").asText(), user.path("password").asText());
            }
        }
        out.println();
        out.println("Trust the emulator's CA:");
        out.println("  curl:  --cacert " + doc.path("caCertificate").asText());
        out.println("  Java:  keytool -importcert -noprompt -alias mailbridge-emulator -storepass changeit"
                + " -keystore emulator-trust.p12 -file "
                + doc.path("caCertificate").asText());
        out.println(
                "         then -Djavax.net.ssl.trustStore=emulator-trust.p12 -Djavax.net.ssl.trustStorePassword=changeit");
        if (sample != null) {
            out.println();
            out.println("Get an app-only token for EWS:");
            out.println("  curl --cacert " + doc.path("caCertificate").asText() + " " + login + "/" + sampleTenant
                    + "/oauth2/v2.0/token \\");
            out.println("    -d grant_type=client_credentials -d client_id="
                    + sample.path("clientId").asText() + " \\");
            out.println("    --data-urlencode client_secret='"
                    + sample.path("clientSecret").asText() + "' -d scope=https://outlook.office365.com/.default");
        }
        out.println();
    }
}
