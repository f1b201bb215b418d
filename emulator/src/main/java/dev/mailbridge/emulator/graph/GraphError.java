package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.server.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Graph error: HTTP status, {@code error.code} and {@code error.message}, plus headers such as
 * Retry-After or WWW-Authenticate. The body is Graph's: {@code innerError} carries the request's
 * {@code date}, {@code request-id} and {@code client-request-id}.
 */
final class GraphError extends Exception {
    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    GraphError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    GraphError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static GraphError badRequest(String message) {
        return new GraphError(400, "BadRequest", message);
    }

    static GraphError itemNotFound() {
        return new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }

    static GraphError accessDenied() {
        return new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    }

    static GraphError noResource(String path) {
        return new GraphError(400, "BadRequest", "Resource not found for the segment '" + lastSegment(path) + "'.");
    }

    static GraphError methodNotAllowed() {
        return new GraphError(
                405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
    }

    private static String lastSegment(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** Graph's error body. */
    ObjectNode body(String requestId, String clientRequestId, Instant now) {
        return body(code, getMessage(), requestId, clientRequestId, now);
    }

    static ObjectNode body(String code, String message, String requestId, String clientRequestId, Instant now) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        inner.put("date", now.truncatedTo(ChronoUnit.SECONDS).toString());
        inner.put("request-id", requestId);
        inner.put("client-request-id", clientRequestId);
        return root;
    }
}
