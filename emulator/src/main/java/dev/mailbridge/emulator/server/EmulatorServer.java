package dev.mailbridge.emulator.server;

import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import java.net.URI;
import java.security.KeyStore;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's HTTP(S) front: one listener per cloud, each request offered to the services in
 * turn with the {@link Endpoint} of the listener it came through. Anything a service throws becomes
 * a JSON 500 without a stack trace; the trace goes to the log under an ID the client is shown.
 */
public final class EmulatorServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorServer.class);

    /** A listener to open: {@code port} 0 picks a free one. */
    public record Listener(Cloud cloud, boolean tls, int port) {}

    private final Server server;
    private final String host;
    private final List<Listener> listeners;
    private final List<EmulatorService> services;
    private final Map<Connector, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<Cloud, Endpoint> httpsEndpoints = new EnumMap<>(Cloud.class);
    private Endpoint httpEndpoint;

    public EmulatorServer(
            String bindAddress,
            String host,
            List<Listener> listeners,
            KeyStore keyStore,
            String keyStorePassword,
            List<EmulatorService> services) {
        this.host = host;
        this.listeners = List.copyOf(listeners);
        this.services = List.copyOf(services);
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("emulator");
        // Buffers up to 1 MiB pooled (Jetty's default stops at 64 KiB): EWS answers with MIME, such as
        // a GetItem of ten messages, are a few hundred KB and are assembled in one pooled buffer.
        this.server = new Server(threads, null, new ArrayByteBufferPool(0, 4096, 1 << 20));
        server.setStopTimeout(2_000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // An EWS-format id sent to Graph by mistake holds '/', sent as %2F in its path segment: let it
        // reach Graph, which refuses it with ErrorInvalidIdMalformed as Exchange Online does.
        http.setUriCompliance(
                UriCompliance.DEFAULT.with("graph-ids", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(keyStorePassword);
        ssl.setSniRequired(false);

        for (Listener listener : listeners) {
            ServerConnector connector = listener.tls()
                    ? new ServerConnector(
                            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https))
                    : new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(bindAddress);
            connector.setPort(listener.port());
            connector.setName(listener.cloud().id() + (listener.tls() ? "-https" : "-http"));
            server.addConnector(connector);
        }
        server.setHandler(new Router());
    }

    /** Opens every listener (so free ports are known), then starts serving. */
    public void start() throws Exception {
        Connector[] connectors = server.getConnectors();
        for (int i = 0; i < connectors.length; i++) {
            ServerConnector connector = (ServerConnector) connectors[i];
            connector.open();
            Listener listener = listeners.get(i);
            URI base = URI.create(
                    (listener.tls() ? "https" : "http") + "://" + hostForUrl() + ":" + connector.getLocalPort());
            Endpoint endpoint = new Endpoint(listener.cloud(), base);
            endpoints.put(connector, endpoint);
            if (listener.tls()) {
                httpsEndpoints.put(listener.cloud(), endpoint);
            } else {
                httpEndpoint = endpoint;
            }
        }
        server.start();
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The HTTPS endpoint of each cloud. */
    public Map<Cloud, Endpoint> httpsEndpoints() {
        return Collections.unmodifiableMap(new EnumMap<>(httpsEndpoints));
    }

    /** The plain-HTTP endpoint (global cloud), when one was asked for. */
    public Optional<Endpoint> httpEndpoint() {
        return Optional.ofNullable(httpEndpoint);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Emulator did not stop cleanly: {}", e.toString());
        }
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Endpoint endpoint = endpoints.get(request.getConnectionMetaData().getConnector());
            try {
                for (EmulatorService service : services) {
                    if (service.handle(request, response, callback, endpoint)) {
                        return true;
                    }
                }
                Responses.json(
                        response,
                        callback,
                        HttpStatus.NOT_FOUND_404,
                        Json.error(
                                "not_found",
                                "The emulator has no endpoint at "
                                        + request.getHttpURI().getPath()
                                        + ". GET /_emulator/describe lists what it serves."));
                return true;
            } catch (Throwable failure) {
                String incident = UUID.randomUUID().toString();
                LOG.error(
                        "Unhandled failure on {} {} (incident {})",
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        incident,
                        failure);
                if (!response.isCommitted()) {
                    Responses.json(
                            response,
                            callback,
                            HttpStatus.INTERNAL_SERVER_ERROR_500,
                            Json.error(
                                    "server_error",
                                    "The emulator failed to handle this request; its log names incident " + incident
                                            + "."));
                } else {
                    callback.failed(failure);
                }
                return true;
            }
        }
    }
}
