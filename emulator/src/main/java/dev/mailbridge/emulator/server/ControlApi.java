package dev.mailbridge.emulator.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The parts of the control API that belong to the emulator as a whole: health, the describe
 * document, and the clock. (Each protocol service serves its own part, e.g. Entra's tenants.)
 */
public final class ControlApi implements EmulatorService {
    public static final String PREFIX = "/_emulator";
    /** Control requests are small; anything larger is a mistake or an attack. */
    private static final int MAX_BODY = 64 * 1024;

    private final EmulatorClock clock;
    private final Supplier<JsonNode> describe;

    public ControlApi(EmulatorClock clock, Supplier<JsonNode> describe) {
        this.clock = clock;
        this.describe = describe;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws IOException {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        switch (path) {
            case PREFIX + "/health" -> Responses.json(response, callback, 200, "{\"status\":\"UP\"}");
            case PREFIX + "/describe" -> Responses.json(response, callback, 200, Json.pretty(describe.get()));
            case PREFIX + "/clock" -> clockState(response, callback);
            case PREFIX + "/clock/advance" -> {
                if (requirePost(method, response, callback)) {
                    advance(request, response, callback);
                }
            }
            case PREFIX + "/clock/set" -> {
                if (requirePost(method, response, callback)) {
                    set(request, response, callback);
                }
            }
            case PREFIX + "/clock/reset" -> {
                if (requirePost(method, response, callback)) {
                    clock.reset();
                    clockState(response, callback);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void advance(Request request, Response response, Callback callback) throws IOException {
        JsonNode body = readJson(request, response, callback);
        if (body == null) {
            return;
        }
        Duration by;
        try {
            if (body.hasNonNull("duration")) {
                by = Duration.parse(body.get("duration").asText());
            } else if (body.hasNonNull("days") || body.hasNonNull("seconds") || body.hasNonNull("minutes")) {
                by = Duration.ofDays(body.path("days").asLong(0))
                        .plusMinutes(body.path("minutes").asLong(0))
                        .plusSeconds(body.path("seconds").asLong(0));
            } else {
                badRequest(
                        response,
                        callback,
                        "Say how far to move the clock: {\"duration\":\"P91D\"} (ISO-8601), or {\"days\":91},"
                                + " {\"minutes\":90}, {\"seconds\":3600}.");
                return;
            }
        } catch (DateTimeParseException e) {
            badRequest(
                    response,
                    callback,
                    "'duration' must be an ISO-8601 duration such as P91D or PT2H, not '"
                            + body.get("duration").asText() + "'.");
            return;
        }
        clock.advance(by);
        clockState(response, callback);
    }

    private void set(Request request, Response response, Callback callback) throws IOException {
        JsonNode body = readJson(request, response, callback);
        if (body == null) {
            return;
        }
        try {
            clock.set(Instant.parse(body.path("now").asText()));
        } catch (DateTimeParseException e) {
            badRequest(response, callback, "'now' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z.");
            return;
        }
        clockState(response, callback);
    }

    private void clockState(Response response, Callback callback) {
        Responses.json(
                response,
                callback,
                200,
                Json.write(Json.object()
                        .put("now", clock.instant().toString())
                        .put("offset", clock.offset().toString())
                        .put("offsetSeconds", clock.offset().toSeconds())));
    }

    private static boolean requirePost(String method, Response response, Callback callback) {
        if ("POST".equals(method)) {
            return true;
        }
        response.getHeaders().put("Allow", "POST");
        Responses.json(
                response,
                callback,
                HttpStatus.METHOD_NOT_ALLOWED_405,
                Json.error("invalid_request", "Use POST with a JSON body for this control endpoint."));
        return false;
    }

    /** Reads a small JSON object body, or answers 400 and returns null. */
    private static JsonNode readJson(Request request, Response response, Callback callback) throws IOException {
        if (request.getLength() > MAX_BODY) {
            badRequest(response, callback, "The request body is larger than " + MAX_BODY + " bytes.");
            return null;
        }
        String text = Content.Source.asString(request, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            text = "{}";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException malformed) {
            // answered below
        }
        badRequest(response, callback, "The request body must be a JSON object.");
        return null;
    }

    private static void badRequest(Response response, Callback callback, String description) {
        Responses.json(response, callback, HttpStatus.BAD_REQUEST_400, Json.error("invalid_request", description));
    }
}
