package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.Endpoint;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A request as the Entra endpoints see it, read completely before any decision: method, path,
 * query and form parameters (first value wins), the headers that matter and the listener. Keeping
 * Jetty out of the endpoint classes lets them decide under the directory lock without I/O.
 */
record EntraRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> form,
        boolean formBody,
        boolean malformedBody,
        boolean malformedQuery,
        String body,
        Map<String, String> headers,
        Map<String, String> cookies,
        Endpoint endpoint,
        String traceId,
        String correlationId) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Query parameter, or for POST forms the form parameter (the sign-in pages post forms). */
    String param(String name) {
        String v = form.get(name);
        return v != null ? v : query.get(name);
    }

    String formParam(String name) {
        return form.get(name);
    }

    String queryParam(String name) {
        return query.get(name);
    }

    boolean isPost() {
        return "POST".equals(method);
    }

    /**
     * Parses application/x-www-form-urlencoded text. Returns null when it cannot be decoded (bad
     * percent escapes), which the endpoints answer as a malformed request.
     */
    static Map<String, String> parseForm(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return map;
        }
        try {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                map.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return map;
    }
}
