package dev.mailbridge.identity.failure;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error as Entra ID reported it, from a token-endpoint JSON body or the sign-in callback's query. Fields
 * missing from the JSON are recovered from {@code error_description}, whose text carries "AADSTSnnnn:",
 * "Trace ID:", "Correlation ID:" and "Timestamp:" (space- or CRLF-separated, both seen on the wire).
 *
 * @param httpStatus the token endpoint's status, 0 for a callback error
 */
public record EntraError(
        String error,
        String description,
        List<Integer> codes,
        Optional<String> suberror,
        Optional<String> traceId,
        Optional<String> correlationId,
        Optional<Instant> timestamp,
        Optional<String> errorUri,
        int httpStatus) {

    private static final Pattern CODE = Pattern.compile("AADSTS(\\d+)");
    private static final Pattern TRACE = Pattern.compile("Trace ID:\\s*([0-9A-Fa-f-]{8,})");
    private static final Pattern CORRELATION = Pattern.compile("Correlation ID:\\s*([0-9A-Fa-f-]{8,})");
    private static final Pattern TIMESTAMP =
            Pattern.compile("Timestamp:\\s*(\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z)");
    private static final Pattern DIAGNOSTICS = Pattern.compile("\\s*Trace ID:.*$", Pattern.DOTALL);
    private static final DateTimeFormatter ENTRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSS]'Z'");

    public EntraError {
        error = error == null ? "" : error;
        description = description == null ? "" : description;
        codes = List.copyOf(codes);
    }

    /** The first AADSTS code, the one to react to; Entra lists the most specific first. */
    public Optional<Integer> code() {
        return codes.isEmpty() ? Optional.empty() : Optional.of(codes.getFirst());
    }

    /** Entra's description without the trailing Trace/Correlation/Timestamp lines. */
    public String summary() {
        return DIAGNOSTICS.matcher(description).replaceFirst("").trim();
    }

    /** From a parsed token-endpoint error body (JSON object as a map). */
    public static EntraError fromJson(Map<String, ?> body, int httpStatus) {
        String description = string(body.get("error_description"));
        List<Integer> codes = new ArrayList<>();
        if (body.get("error_codes") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Number n) {
                    codes.add(n.intValue());
                }
            }
        }
        if (codes.isEmpty()) {
            codes.addAll(codesIn(description));
        }
        return new EntraError(
                string(body.get("error")),
                description,
                codes,
                optional(body.get("suberror")),
                optional(body.get("trace_id")).or(() -> find(TRACE, description)),
                optional(body.get("correlation_id")).or(() -> find(CORRELATION, description)),
                optional(body.get("timestamp"))
                        .flatMap(EntraError::parseTime)
                        .or(() -> find(TIMESTAMP, description).flatMap(EntraError::parseTime)),
                optional(body.get("error_uri")),
                httpStatus);
    }

    /** From the query (or form_post body) of a failed sign-in callback: error, error_description, error_uri. */
    public static EntraError fromCallback(Map<String, String> params) {
        return fromDescription(params.get("error"), params.get("error_description"), 0)
                .withErrorUri(Optional.ofNullable(params.get("error_uri")));
    }

    /** From an {@code error} value and a description only (e.g. what an MSAL exception kept). */
    public static EntraError fromDescription(String error, String description, int httpStatus) {
        String d = description == null ? "" : description;
        return new EntraError(
                error,
                d,
                codesIn(d),
                Optional.empty(),
                find(TRACE, d),
                find(CORRELATION, d),
                find(TIMESTAMP, d).flatMap(EntraError::parseTime),
                Optional.empty(),
                httpStatus);
    }

    EntraError withErrorUri(Optional<String> uri) {
        return new EntraError(error, description, codes, suberror, traceId, correlationId, timestamp, uri, httpStatus);
    }

    /** Fills the correlation ID from elsewhere (MSAL's exception or a response header) when the body lacked it. */
    public EntraError withCorrelationIdIfAbsent(String id) {
        if (correlationId.isPresent() || id == null || id.isBlank()) {
            return this;
        }
        return new EntraError(
                error, description, codes, suberror, traceId, Optional.of(id), timestamp, errorUri, httpStatus);
    }

    private static List<Integer> codesIn(String description) {
        List<Integer> codes = new ArrayList<>();
        Matcher m = CODE.matcher(description);
        while (m.find()) {
            try {
                codes.add(Integer.parseInt(m.group(1)));
            } catch (NumberFormatException ignored) {
                // absurdly long digit run: not a code
            }
        }
        return codes;
    }

    private static Optional<String> find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static Optional<Instant> parseTime(String s) {
        try {
            return Optional.of(
                    LocalDateTime.parse(s.replace('T', ' '), ENTRA_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static String string(Object o) {
        return o == null ? "" : o.toString();
    }

    private static Optional<String> optional(Object o) {
        return o == null || o.toString().isBlank() ? Optional.empty() : Optional.of(o.toString());
    }
}
