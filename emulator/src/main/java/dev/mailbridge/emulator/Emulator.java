package dev.mailbridge.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.exchange.ExchangeService;
import dev.mailbridge.emulator.graph.GraphService;
import dev.mailbridge.emulator.server.ControlApi;
import dev.mailbridge.emulator.server.EmulatorServer;
import dev.mailbridge.emulator.server.Json;
import dev.mailbridge.emulator.tls.CertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A running emulator: Entra ID (and, as they arrive, Exchange and Graph) on HTTPS listeners, one
 * per national cloud, with a CA of its own that clients trust. Start one with {@link #start}, or
 * let the JUnit extension do it; {@code ./mailbridge emulator} runs one from the command line.
 */
public final class Emulator implements AutoCloseable {
    /** The configuration used when none is given: tenants, apps and users for every sign-in mode. */
    public static final String DEFAULT_CONFIG = "/dev/mailbridge/emulator/default-config.yaml";

    private static final String KEY_STORE_PASSWORD = "emulator";

    private final EmulatorServer server;
    private final CertificateAuthority ca;
    private final EmulatorClock clock;
    private final EntraService entra;
    private final ExchangeService exchange;
    private final AutodiscoverService autodiscover;
    private final GraphService graph;
    private final Path stateDir;
    private final boolean temporaryState;

    private Emulator(
            EmulatorServer server,
            CertificateAuthority ca,
            EmulatorClock clock,
            EntraService entra,
            ExchangeService exchange,
            AutodiscoverService autodiscover,
            GraphService graph,
            Path stateDir,
            boolean temporaryState) {
        this.server = server;
        this.ca = ca;
        this.clock = clock;
        this.entra = entra;
        this.exchange = exchange;
        this.autodiscover = autodiscover;
        this.graph = graph;
        this.stateDir = stateDir;
        this.temporaryState = temporaryState;
    }

    public static Emulator start(EmulatorOptions options) {
        JsonNode config = loadConfig(options);
        JsonNode serverConfig = config.path("server");
        boolean temporaryState = options.stateDir() == null;
        Path stateDir;
        try {
            stateDir = temporaryState ? Files.createTempDirectory("mailbridge-emulator") : options.stateDir();
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the emulator's state folder", e);
        }
        String host = firstNonNull(options.host(), text(serverConfig, "host"), "localhost");
        String bind = firstNonNull(options.bindAddress(), text(serverConfig, "bind"), "127.0.0.1");
        int httpsPort = firstNonNull(options.httpsPort(), integer(serverConfig, "httpsPort"), 0);
        Integer httpPort = options.httpPort() != null ? options.httpPort() : integer(serverConfig, "httpPort");

        List<EmulatorServer.Listener> listeners = new ArrayList<>();
        for (Cloud cloud : Cloud.values()) {
            Integer port = options.cloudPorts().get(cloud);
            if (port == null) {
                port = integer(serverConfig.path("clouds").path(cloud.id()), "port");
            }
            if (port == null) {
                port = httpsPort == 0 ? 0 : httpsPort + cloud.ordinal();
            }
            listeners.add(new EmulatorServer.Listener(cloud, true, port));
        }
        if (httpPort != null) {
            listeners.add(new EmulatorServer.Listener(Cloud.GLOBAL, false, httpPort));
        }

        CertificateAuthority ca = CertificateAuthority.loadOrCreate(stateDir);
        Set<String> names = new LinkedHashSet<>(List.of(host, "localhost", "127.0.0.1", "::1"));
        names.addAll(options.extraHostNames());
        serverConfig.path("hostNames").forEach(name -> names.add(name.asText()));
        KeyStore keyStore = ca.issueServerKeyStore(names, KEY_STORE_PASSWORD.toCharArray());

        EmulatorClock clock = new EmulatorClock();
        EntraService entra = EntraService.fromConfig(config, clock, stateDir);
        Emulator[] self = new Emulator[1];
        ControlApi control = new ControlApi(clock, () -> self[0].describe());
        ExchangeService exchange = ExchangeService.create(config, clock, entra, stateDir);
        AutodiscoverService autodiscover = AutodiscoverService.create(config, clock, entra);
        GraphService graph = GraphService.create(clock, entra, exchange);
        EmulatorServer server = new EmulatorServer(
                bind,
                host,
                listeners,
                keyStore,
                KEY_STORE_PASSWORD,
                List.of(control, entra, exchange, autodiscover, graph));
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            graph.close();
            throw new IllegalStateException("The emulator could not start: " + rootMessage(e), e);
        }
        self[0] = new Emulator(server, ca, clock, entra, exchange, autodiscover, graph, stateDir, temporaryState);
        return self[0];
    }

    /** Base URL of the global cloud's login endpoint, e.g. {@code https://localhost:8443}. */
    public URI loginUrl() {
        return loginUrl(Cloud.GLOBAL);
    }

    /** Base URL of the given cloud's login endpoint. */
    public URI loginUrl(Cloud cloud) {
        return server.httpsEndpoints().get(cloud).baseUrl();
    }

    /** Microsoft Graph's service root on the given cloud's listener, e.g. {@code https://localhost:8444/v1.0}. */
    public URI graphUrl(Cloud cloud) {
        return URI.create(loginUrl(cloud) + graph.path());
    }

    /** Base URL of the optional plain-HTTP listener (global cloud). */
    public Optional<URI> httpUrl() {
        return server.httpEndpoint().map(Endpoint::baseUrl);
    }

    /** The CA certificate (PEM) to trust. */
    public Path caCertificate() {
        return ca.certificateFile();
    }

    /** A trust store holding the emulator's CA. */
    public KeyStore trustStore() {
        return ca.trustStore();
    }

    /** A client TLS context that trusts the emulator's CA. */
    public SSLContext sslContext() {
        return ca.clientSslContext();
    }

    public EmulatorClock clock() {
        return clock;
    }

    public EntraService entra() {
        return entra;
    }

    /** Exchange (EWS) and its mailbox store. */
    public ExchangeService exchange() {
        return exchange;
    }

    public AutodiscoverService autodiscover() {
        return autodiscover;
    }

    /** Microsoft Graph ({@code /v1.0}) over the same mailbox store as EWS. */
    public GraphService graph() {
        return graph;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** What the emulator serves, as written by {@code --describe}: endpoints, CA, tenants, apps and users. */
    public ObjectNode describe() {
        ObjectNode doc = Json.object();
        doc.put("caCertificate", caCertificate().toAbsolutePath().toString());
        doc.put("login", loginUrl().toString());
        doc.put("loginHttp", httpUrl().map(URI::toString).orElse(null));
        ObjectNode clouds = doc.putObject("clouds");
        for (Map.Entry<Cloud, Endpoint> entry : server.httpsEndpoints().entrySet()) {
            clouds.put(entry.getKey().id(), entry.getValue().baseUrl().toString());
        }
        doc.put("ews", exchange.ewsPath() == null ? null : loginUrl() + exchange.ewsPath());
        doc.put("autodiscover", autodiscover.soapPath() == null ? null : loginUrl() + autodiscover.soapPath());
        doc.put("graph", graphUrl(Cloud.GLOBAL).toString());
        doc.put("control", loginUrl() + ControlApi.PREFIX);
        doc.set("tenants", entra.describeTenants());
        return doc;
    }

    /** Writes {@link #describe()} to {@code file} atomically, so readers never see half a file. */
    public void writeDescribe(Path file) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            Files.writeString(tmp, Json.pretty(describe()), StandardCharsets.UTF_8);
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the describe file " + file, e);
        }
    }

    @Override
    public void close() {
        server.close();
        graph.close();
        if (temporaryState) {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }

    static JsonNode loadConfig(EmulatorOptions options) {
        try {
            if (options.configFile() != null) {
                Path file = options.configFile();
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("Configuration file not found: " + file.toAbsolutePath());
                }
                return parse(Files.readString(file), file.toString());
            }
            if (options.configText() != null) {
                return parse(options.configText(), "the given configuration text");
            }
            try (InputStream in = Emulator.class.getResourceAsStream(DEFAULT_CONFIG)) {
                if (in == null) {
                    throw new IllegalStateException("The default configuration is missing from the classpath");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the default configuration");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the emulator configuration", e);
        }
    }

    private static JsonNode parse(String text, String source) {
        try {
            JsonNode node = Json.YAML.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(
                        "The emulator configuration in " + source + " must be a YAML or JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "The emulator configuration in " + source + " is not valid YAML or JSON: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asInt();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
