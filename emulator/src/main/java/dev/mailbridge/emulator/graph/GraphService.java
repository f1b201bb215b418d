package dev.mailbridge.emulator.graph;

import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.exchange.ExchangeService;
import dev.mailbridge.emulator.graph.GraphExchange.Req;
import dev.mailbridge.emulator.graph.GraphExchange.Res;
import dev.mailbridge.emulator.server.Responses;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Graph ({@code /v1.0}) over the emulator's mailbox store, the same one EWS serves: the
 * mail surface, change-notification subscriptions and {@code $batch}, with Graph's token checks,
 * throttling and error body. Every listener serves it; the cloud of the listener decides which Graph
 * resource a token must be for. See docs/emulator-graph.md.
 */
public final class GraphService implements EmulatorService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GraphService.class);
    public static final String PREFIX = "/v1.0";
    public static final String CONTROL_PREFIX = "/_emulator/graph";
    /** Largest request body accepted (Graph's limit for a sendMail MIME body is 4 MB; leave room). */
    static final int MAX_BODY = 36 * 1024 * 1024;

    private final EmulatorClock clock;
    private final GraphAuth auth;
    private final GraphApi api;
    private final GraphSubscriptions subscriptions;
    private final GraphThrottle throttle = new GraphThrottle();

    private GraphService(EmulatorClock clock, EntraService entra, ExchangeService exchange) {
        this.clock = clock;
        this.auth = new GraphAuth(entra, clock);
        this.subscriptions = new GraphSubscriptions(clock);
        this.api = new GraphApi(entra, exchange, subscriptions, throttle);
        exchange.access().listen(subscriptions);
    }

    public static GraphService create(EmulatorClock clock, EntraService entra, ExchangeService exchange) {
        return new GraphService(clock, entra, exchange);
    }

    /** The path clients use as Graph's service root on any listener: {@code /v1.0}. */
    public String path() {
        return PREFIX;
    }

    /** Throttling and delays for tests: force 429s for a mailbox, change the concurrency limit. */
    public GraphThrottle throttle() {
        return throttle;
    }

    /** Change-notification subscriptions: list them, send lifecycle notifications, expire them. */
    public GraphSubscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            return false;
        }
        if (path.equals(CONTROL_PREFIX) || path.startsWith(CONTROL_PREFIX + "/")) {
            new GraphControlApi(this).handle(request, response, callback, path.substring(CONTROL_PREFIX.length()));
            return true;
        }
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            return false;
        }
        Map<String, String> headers = GraphExchange.headers();
        for (HttpField f : request.getHeaders()) {
            headers.put(f.getName(), f.getValue());
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        Req req = new Req(
                request.getMethod(),
                path.substring(PREFIX.length()),
                GraphExchange.parseQuery(request.getHttpURI().getQuery()),
                headers,
                body,
                endpoint,
                null);
        Res res;
        if (body.length > MAX_BODY) {
            res = error(req, new GraphError(413, "RequestEntityTooLarge", "The request body is too large."));
        } else {
            res = authenticated(req);
        }
        send(req, res, response, callback);
        return true;
    }

    /** Authenticates, then runs the request ($batch included); every failure becomes Graph's error body. */
    private Res authenticated(Req req) {
        GraphAuth.Caller caller;
        try {
            caller = auth.authenticate(req.header("Authorization"), req.endpoint());
        } catch (GraphError e) {
            return error(req, e);
        }
        Req withCaller =
                new Req(req.method(), req.path(), req.query(), req.headers(), req.body(), req.endpoint(), caller);
        if (withCaller.path().equals("/$batch")) {
            if (!withCaller.method().equals("POST")) {
                return error(withCaller, GraphError.methodNotAllowed());
            }
            try {
                return GraphBatch.run(withCaller, this::run);
            } catch (GraphError e) {
                return error(withCaller, e);
            }
        }
        return run(withCaller);
    }

    private Res run(Req req) {
        try {
            return api.route(req);
        } catch (GraphError e) {
            return error(req, e);
        } catch (RuntimeException e) {
            String id = UUID.randomUUID().toString();
            LOG.error("Graph emulator failed on {} {} (request-id {})", req.method(), req.path(), id, e);
            return error(
                    req,
                    new GraphError(
                            500,
                            "generalException",
                            "The emulator failed to handle this request; its log names request-id " + id + "."));
        }
    }

    private Res error(Req req, GraphError e) {
        Res res = Res.json(e.status, e.body(requestId(req), clientRequestId(req), clock.instant()));
        e.headers.forEach(res::with);
        return res;
    }

    private static String requestId(Req req) {
        return req.headers()
                .computeIfAbsent("x-emulator-request-id", k -> UUID.randomUUID().toString());
    }

    private static String clientRequestId(Req req) {
        String id = req.header("client-request-id");
        return id == null ? requestId(req) : id;
    }

    private static void send(Req req, Res res, Response response, Callback callback) {
        res.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.getHeaders().put("request-id", requestId(req));
        response.getHeaders().put("client-request-id", clientRequestId(req));
        response.getHeaders().put("x-ms-ags-diagnostic", "{\"ServerInfo\":{\"DataCenter\":\"Emulator\"}}");
        if (res.contentType() == null) {
            response.setStatus(res.status());
            response.write(true, null, callback);
            return;
        }
        Responses.send(response, callback, res.status(), res.contentType(), res.body());
    }

    @Override
    public void close() {
        subscriptions.close();
    }
}
