package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.graph.GraphExchange.Req;
import dev.mailbridge.emulator.graph.GraphExchange.Res;
import dev.mailbridge.emulator.server.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * JSON batching ({@code POST /v1.0/$batch}): up to 20 requests with relative URLs, run one after the
 * other through the same routing (each with its own throttling and errors); {@code dependsOn} on a
 * failed request gives 424. JSON answers are embedded as JSON, others as base64 text.
 */
final class GraphBatch {
    static final int MAX_REQUESTS = 20;

    /** Runs one inner request: the service's routing with its error handling. */
    interface Runner {
        Res run(Req req);
    }

    private GraphBatch() {}

    static Res run(Req outer, Runner runner) throws GraphError {
        JsonNode body = outer.json();
        JsonNode requests = body.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            throw GraphError.badRequest("Invalid batch payload format: a 'requests' array is required.");
        }
        if (requests.size() > MAX_REQUESTS) {
            throw GraphError.badRequest("Number of batch requests exceeds the limit of " + MAX_REQUESTS + ".");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode r : requests) {
            String id = r.path("id").asText(null);
            if (id == null || !ids.add(id)) {
                throw GraphError.badRequest(
                        "Every batch request needs a unique 'id'; '" + id + "' is missing or repeated.");
            }
            if (!r.hasNonNull("method") || !r.hasNonNull("url")) {
                throw GraphError.badRequest("Batch request '" + id + "' needs 'method' and 'url'.");
            }
        }
        Map<String, Integer> status = new HashMap<>();
        ObjectNode out = Json.object();
        ArrayNode responses = out.putArray("responses");
        for (JsonNode r : requests) {
            String id = r.path("id").asText();
            Res res = null;
            for (JsonNode dep : r.path("dependsOn")) {
                Integer s = status.get(dep.asText());
                if (s == null || s >= 400) {
                    res = Res.json(
                            424,
                            GraphError.body(
                                    "FailedDependency",
                                    "The request depends on '" + dep.asText() + "', which failed or did not run first.",
                                    java.util.UUID.randomUUID().toString(),
                                    java.util.UUID.randomUUID().toString(),
                                    java.time.Instant.now()));
                }
            }
            if (res == null) {
                res = runner.run(inner(outer, r));
            }
            status.put(id, res.status());
            responses.add(response(id, res));
        }
        return Res.json(200, out);
    }

    private static Req inner(Req outer, JsonNode r) {
        String url = r.path("url").asText();
        if (url.startsWith(outer.root())) {
            url = url.substring(outer.root().length());
        }
        if (!url.startsWith("/")) {
            url = "/" + url;
        }
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        Map<String, String> query = GraphExchange.parseQuery(q < 0 ? null : url.substring(q + 1));
        Map<String, String> headers = GraphExchange.headers();
        r.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        byte[] body = null;
        JsonNode b = r.get("body");
        if (b != null && !b.isNull()) {
            if (b.isTextual()) {
                String type = headers.getOrDefault("Content-Type", "");
                body = type.startsWith("application/json")
                        ? b.asText().getBytes(StandardCharsets.UTF_8)
                        : b.asText().getBytes(StandardCharsets.US_ASCII);
            } else {
                body = Json.write(b).getBytes(StandardCharsets.UTF_8);
                headers.putIfAbsent("Content-Type", "application/json");
            }
        }
        return new Req(
                r.path("method").asText().toUpperCase(java.util.Locale.ROOT),
                path,
                query,
                headers,
                body,
                outer.endpoint(),
                outer.caller());
    }

    private static ObjectNode response(String id, Res res) {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("status", res.status());
        ObjectNode headers = o.putObject("headers");
        res.headers().forEach(headers::put);
        if (res.contentType() != null) {
            headers.put("Content-Type", res.contentType());
        }
        if (res.body().length > 0) {
            if (res.contentType() != null && res.contentType().startsWith("application/json")) {
                try {
                    o.set("body", Json.MAPPER.readTree(res.body()));
                } catch (IOException e) {
                    o.put("body", new String(res.body(), StandardCharsets.UTF_8));
                }
            } else {
                o.put("body", Base64.getEncoder().encodeToString(res.body()));
            }
        }
        return o;
    }
}
