package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.server.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Graph request and its answer, independent of Jetty so that {@code $batch} can run its parts
 * through the same routing. Paths are after {@code /v1.0}; query options are decoded.
 */
final class GraphExchange {
    /** A request: method, path after /v1.0 (decoded per segment by the router), query, headers, body. */
    record Req(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> headers,
            byte[] body,
            Endpoint endpoint,
            GraphAuth.Caller caller) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String q(String name) {
            return query.get(name);
        }

        JsonNode json() throws GraphError {
            if (body == null || body.length == 0) {
                throw GraphError.badRequest("Empty Payload. JSON content expected.");
            }
            try {
                JsonNode node = Json.MAPPER.readTree(body);
                if (node == null || !node.isObject()) {
                    throw GraphError.badRequest("Invalid JSON. A JSON object was expected.");
                }
                return node;
            } catch (IOException e) {
                throw GraphError.badRequest("Invalid JSON. The request body could not be parsed.");
            }
        }

        /** The service root clients use: {base}/v1.0. */
        String root() {
            return endpoint.url(GraphService.PREFIX);
        }
    }

    /** An answer: status, headers, body bytes (JSON unless the content type says otherwise). */
    record Res(int status, Map<String, String> headers, String contentType, byte[] body) {
        static Res json(int status, JsonNode node) {
            return new Res(
                    status,
                    new LinkedHashMap<>(),
                    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
                    Json.write(node).getBytes(StandardCharsets.UTF_8));
        }

        static Res empty(int status) {
            return new Res(status, new LinkedHashMap<>(), null, new byte[0]);
        }

        Res with(String header, String value) {
            headers.put(header, value);
            return this;
        }
    }

    private GraphExchange() {}

    /** Parses a raw query string (may be null) into decoded name/value pairs, keeping order. */
    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.put(name, value);
        }
        return out;
    }

    static Map<String, String> headers() {
        return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
