package dev.mailbridge.ews.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server (JDK httpserver) answering EWS requests with scripted responses: for hostile XML,
 * faults and throttling that the emulator does not produce on demand, and for codec round trips.
 */
public final class FakeExchange implements AutoCloseable {
    /** A scripted answer. */
    @FunctionalInterface
    public interface Responder {
        void respond(HttpExchange exchange, String requestBody) throws IOException;
    }

    public record Recorded(String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final Deque<Responder> script = new ArrayDeque<>();
    private Responder fallback;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    public FakeExchange() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/EWS/Exchange.asmx", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/EWS/Exchange.asmx");
    }

    public synchronized FakeExchange then(Responder r) {
        script.add(r);
        return this;
    }

    /** Answers with a SOAP envelope around {@code body} (HTTP 200). */
    public FakeExchange thenSoap(String body) {
        return then(soap(200, body));
    }

    public synchronized FakeExchange always(Responder r) {
        fallback = r;
        return this;
    }

    public List<Recorded> requests() {
        return requests;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Recorded(body, Map.copyOf(ex.getRequestHeaders())));
        Responder r;
        synchronized (this) {
            r = script.isEmpty() ? fallback : script.poll();
        }
        try {
            if (r == null) {
                ex.sendResponseHeaders(500, -1);
            } else {
                r.respond(ex, body);
            }
        } finally {
            ex.close();
        }
    }

    public static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
                + "<h:ServerVersionInfo MajorVersion=\"15\" MinorVersion=\"20\" MajorBuildNumber=\"1\" MinorBuildNumber=\"2\""
                + " Version=\"V2018_01_08\" xmlns:h=\"http://schemas.microsoft.com/exchange/services/2006/types\"/>"
                + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
    }

    public static Responder soap(int status, String body) {
        return raw(status, "text/xml; charset=utf-8", envelope(body));
    }

    public static Responder raw(int status, String contentType, String text) {
        return (ex, req) -> {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (contentType != null) {
                ex.getResponseHeaders().add("Content-Type", contentType);
            }
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
