package dev.mailbridge.core.deliver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A real webhook receiver on loopback: verifies every signature, records every request, and answers as its
 * script says (by default 200).
 */
final class TestReceiver implements AutoCloseable {
    record Received(
            String path,
            String key,
            String event,
            String delivery,
            String timestamp,
            String contentType,
            String body,
            boolean signatureValid,
            int status) {}

    record Answer(int status, Map<String, String> headers, String body) {
        static Answer of(int status) {
            return new Answer(status, Map.of(), "");
        }
    }

    private final String secret;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    private volatile BiFunction<String, Integer, Answer> script = (path, n) -> Answer.of(200);

    TestReceiver(String secret) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** {@code script.apply(path, n)}: the answer to the n-th (1-based) request carrying this key. */
    void script(BiFunction<String, Integer, Answer> script) {
        this.script = script;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        String sig = ex.getRequestHeaders().getFirst("Mailbridge-Signature");
        boolean valid = WebhookSignature.verify(secret, sig, body, Duration.ofMinutes(5));
        int n = perKey.computeIfAbsent(String.valueOf(key), k -> new AtomicInteger())
                .incrementAndGet();
        Answer a = valid ? script.apply(ex.getRequestURI().getPath(), n) : new Answer(401, Map.of(), "bad signature");
        received.add(new Received(
                ex.getRequestURI().getPath(),
                key,
                ex.getRequestHeaders().getFirst("Mailbridge-Event"),
                ex.getRequestHeaders().getFirst("Mailbridge-Delivery"),
                ex.getRequestHeaders().getFirst("Mailbridge-Timestamp"),
                ex.getRequestHeaders().getFirst("Content-Type"),
                new String(body, StandardCharsets.UTF_8),
                valid,
                a.status()));
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
        ex.close();
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    /** How many requests each idempotency key got. */
    Map<String, Long> countsByKey() {
        return received.stream().collect(Collectors.groupingBy(Received::key, Collectors.counting()));
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
