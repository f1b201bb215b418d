package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.store.DuplicateException;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.identity.failure.SignInFailure;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;

/**
 * Every API error as RFC 9457 problem details: what went wrong in plain words, what to do, and for bad
 * input one message per field. Never a stack trace, an exception class name or a secret: messages come
 * from the core's validation and Microsoft's error texts, which hold neither.
 */
@RestControllerAdvice(basePackages = "dev.mailbridge.server.api")
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiProblems {
    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /** A field-level message in a 400 answer. */
    record ApiFieldError(String field, String message) {}

    /** A request the API refuses with 409 (state, not input, is wrong), with what is missing. */
    static final class Conflict extends RuntimeException {
        private final List<String> missing;

        Conflict(String message, List<String> missing) {
            super(message);
            this.missing = List.copyOf(missing);
        }
    }

    @ExceptionHandler(ValidationException.class)
    ResponseEntity<ProblemDetail> invalid(ValidationException e) {
        return invalid(e.errors());
    }

    static ResponseEntity<ProblemDetail> invalid(List<FieldError> errors) {
        ProblemDetail p = problem(
                HttpStatus.BAD_REQUEST,
                "Invalid input",
                errors.size() == 1
                        ? "One field needs attention; nothing was changed."
                        : errors.size() + " fields need attention; nothing was changed.");
        p.setType(URI.create("https://mailbridge.dev/problems/validation"));
        p.setProperty(
                "errors",
                errors.stream()
                        .map(f -> new ApiFieldError(f.field(), f.message()))
                        .toList());
        return respond(p);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return respond(problem(
                HttpStatus.NOT_FOUND,
                "Not found",
                capitalise(e.getMessage()) + "; it may have been deleted. List the collection to find current IDs."));
    }

    @ExceptionHandler(DuplicateException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateException e) {
        return respond(problem(
                HttpStatus.CONFLICT, "Already exists", "Something with that name already exists; choose another."));
    }

    @ExceptionHandler(Conflict.class)
    ResponseEntity<ProblemDetail> conflict(Conflict e) {
        ProblemDetail p = problem(HttpStatus.CONFLICT, "Not possible now", e.getMessage());
        if (!e.missing.isEmpty()) {
            p.setProperty("missing", e.missing);
        }
        return respond(p);
    }

    @ExceptionHandler(AuthorizationFailure.class)
    ResponseEntity<ProblemDetail> authorization(AuthorizationFailure f) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Authorization failed", f.getMessage());
        p.setType(URI.create("https://mailbridge.dev/problems/authorization"));
        p.setProperty("fix", f.fix());
        f.code().ifPresent(c -> p.setProperty("code", c));
        f.field().ifPresent(c -> p.setProperty("field", c));
        f.traceId().ifPresent(c -> p.setProperty("traceId", c));
        f.correlationId().ifPresent(c -> p.setProperty("correlationId", c));
        f.mailboxId().ifPresent(c -> p.setProperty("mailboxId", c));
        f.field()
                .ifPresent(field -> p.setProperty(
                        "errors", List.of(new ApiFieldError(field, f.getMessage() + " What to do: " + f.fix()))));
        return respond(p);
    }

    @ExceptionHandler(SignInFailure.class)
    ResponseEntity<ProblemDetail> signIn(SignInFailure f) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Sign-in failed", f.plainMessage());
        p.setType(URI.create("https://mailbridge.dev/problems/authorization"));
        p.setProperty("fix", f.fix());
        f.code().ifPresent(c -> p.setProperty("code", "AADSTS" + c));
        f.traceId().ifPresent(c -> p.setProperty("traceId", c));
        f.correlationId().ifPresent(c -> p.setProperty("correlationId", c));
        return respond(p);
    }

    @ExceptionHandler(EwsException.class)
    ResponseEntity<ProblemDetail> ews(EwsException e) {
        if (e.responseCode().filter("ErrorSendAsDenied"::equals).isPresent()) {
            // Not a fault of Exchange's: the mailbox lacks a permission the caller asked to use.
            ProblemDetail p = problem(
                    HttpStatus.FORBIDDEN,
                    "Send as denied",
                    "Exchange refused: the mailbox may not send as (or on behalf of) that address. "
                            + e.plainMessage());
            p.setType(URI.create("https://mailbridge.dev/problems/send-as-denied"));
            p.setProperty(
                    "fix",
                    "An Exchange admin grants the mailbox Send As (Add-RecipientPermission) or Send on Behalf"
                            + " (Set-Mailbox -GrantSendOnBehalfTo) on that address; or leave from out to send as the"
                            + " mailbox itself.");
            p.setProperty("code", "ErrorSendAsDenied");
            return respond(p);
        }
        ProblemDetail p = problem(HttpStatus.BAD_GATEWAY, "Exchange refused the request", e.plainMessage());
        p.setProperty("fix", e.fix());
        e.responseCode().ifPresent(c -> p.setProperty("code", c));
        return respond(p);
    }

    @ExceptionHandler(GraphException.class)
    ResponseEntity<ProblemDetail> graph(GraphException e) {
        boolean denied = e.httpStatus() == 403;
        ProblemDetail p = problem(
                denied ? HttpStatus.FORBIDDEN : HttpStatus.BAD_GATEWAY,
                denied ? "Microsoft Graph denied access" : "Microsoft Graph refused the request",
                e.getMessage());
        p.setProperty("fix", e.fix());
        if (e.code() != null) {
            p.setProperty("code", e.code());
        }
        e.requestId().ifPresent(id -> p.setProperty("graphRequestId", id));
        return respond(p);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        Optional<JacksonException> json = cause(e, JacksonException.class);
        String field = json.map(j -> j.getPath().stream()
                        .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                        .orElse("body"))
                .orElse("body");
        String message = field.equals("body")
                ? "Send a JSON object (Content-Type: application/json) as described in the API documentation."
                : "This value has the wrong type or is not one of the allowed values; see the API documentation.";
        return invalid(List.of(new FieldError(field, message)));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
        if (UUID.class.equals(e.getRequiredType())) {
            return respond(problem(
                    HttpStatus.NOT_FOUND, "Not found", "\"" + e.getName() + "\" is not an ID Mailbridge gave out."));
        }
        return invalid(List.of(new FieldError(e.getName(), "This value has the wrong type.")));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e) {
        return invalid(List.of(new FieldError(e.getParameterName(), "This parameter is required.")));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e instanceof ErrorResponse known) {
            // Spring MVC's own refusals (wrong method, media type, ...): their status and plain detail.
            HttpStatusCode status = known.getStatusCode();
            ProblemDetail p = ProblemDetail.forStatus(status);
            p.setDetail(known.getBody().getDetail());
            return ResponseEntity.status(status)
                    .headers(known.getHeaders())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(p);
        }
        String incident = UUID.randomUUID().toString();
        log.error("API request failed unexpectedly (incident {})", incident, e);
        ProblemDetail p = problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Internal error",
                "Mailbridge could not complete the request. The server log has the details under incident " + incident
                        + ".");
        p.setProperty("incident", incident);
        return respond(p);
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    private static <T extends Throwable> Optional<T> cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
