package dev.mailbridge.cli;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.message.MessageParseException;
import dev.mailbridge.core.send.RateLimitedException;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.ews.autodiscover.AutodiscoverException;
import dev.mailbridge.ews.error.EwsAuthenticationException;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsHttpException;
import dev.mailbridge.ews.error.EwsTransportException;
import dev.mailbridge.graph.GraphAccessDeniedException;
import dev.mailbridge.graph.GraphAuthenticationException;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A failure as the person at the terminal reads it: what went wrong, what to do, Microsoft's code when
 * there is one, and the exit code. Never a stack trace, never a secret (the libraries' messages are
 * already free of them).
 */
record Problem(String message, String fix, Optional<String> code, int exitCode) {

    /** Core's field names as the login options that set them. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("tenantId", "--tenant"),
            Map.entry("clientId", "--client-id"),
            Map.entry("clientSecret", "the client secret"),
            Map.entry("certificatePem", "--certificate"),
            Map.entry("ewsUrl", "--ews-url"),
            Map.entry("graphUrl", "--graph-url"),
            Map.entry("transport", "--transport"),
            Map.entry("approvedHosts", "--approved-hosts"),
            Map.entry("loginAuthority", "--authority"),
            Map.entry("trustedCaPem", "--trust-ca"),
            Map.entry("username", "--user"),
            Map.entry("password", "the password"),
            Map.entry("address", "--mailbox"),
            Map.entry("name", "--profile"),
            Map.entry("mime", "--raw"));

    static Problem of(Throwable t) {
        if (t instanceof CliException e) {
            return new Problem(e.getMessage(), e.fix(), e.code(), e.exitCode());
        }
        if (t instanceof ValidationException e) {
            String text = e.errors().stream().map(Problem::field).collect(Collectors.joining("; "));
            return new Problem(
                    text, "Correct the options named and run the command again.", Optional.empty(), ExitCodes.USAGE);
        }
        if (t instanceof AuthorizationFailure e) {
            return new Problem(e.getMessage(), e.fix(), e.code(), ExitCodes.AUTH);
        }
        if (t instanceof SignInFailure e) {
            Optional<String> code = e.code().map(c -> "AADSTS" + c);
            return new Problem(
                    code.map(c -> c + ": ").orElse("") + e.plainMessage(),
                    e.fix(),
                    code,
                    e.category() == FailureCategory.CONNECTION ? ExitCodes.CONNECTION : ExitCodes.AUTH);
        }
        if (t instanceof EwsException e) {
            int exit;
            if (e instanceof EwsAuthenticationException) {
                exit = ExitCodes.AUTH;
            } else if (e instanceof EwsTransportException
                    || e instanceof AutodiscoverException
                    || (e instanceof EwsHttpException && e.httpStatus() == 404)) {
                exit = ExitCodes.CONNECTION;
            } else {
                exit = ExitCodes.EWS;
            }
            return new Problem(e.plainMessage(), e.fix(), e.responseCode(), exit);
        }
        if (t instanceof GraphException e) {
            return graph(e);
        }
        if (t instanceof RateLimitedException e) {
            return new Problem(
                    e.getMessage(),
                    "Wait " + e.retryAfterSeconds() + " seconds and send again.",
                    Optional.empty(),
                    ExitCodes.EWS);
        }
        if (t instanceof NotFoundException e) {
            return new Problem(
                    e.getMessage(),
                    "Run mailbridge profiles to see what is there, or mailbridge login to add it again.",
                    Optional.empty(),
                    ExitCodes.USAGE);
        }
        if (t instanceof MessageParseException e) {
            return new Problem(
                    "A message could not be read: " + e.getMessage(),
                    "Fetch it as .eml (--format eml) instead.",
                    Optional.empty(),
                    ExitCodes.LOCAL);
        }
        if (t instanceof UncheckedIOException || t instanceof IOException) {
            Throwable io = t instanceof UncheckedIOException u ? u.getCause() : t;
            String what = t instanceof UncheckedIOException u && u.getMessage() != null ? u.getMessage() : "I/O";
            return new Problem(
                    what + (io == null || io == t ? "" : ": " + io),
                    "Check the path, its permissions and the free disk space.",
                    Optional.empty(),
                    ExitCodes.LOCAL);
        }
        if (t instanceof InterruptedException) {
            return new Problem("Interrupted.", "Run the command again.", Optional.empty(), ExitCodes.INTERRUPTED);
        }
        return new Problem(
                "Unexpected error (" + t.getClass().getSimpleName() + "): " + t.getMessage(),
                "Run again with MAILBRIDGE_CLI_LOG=debug for details, and report it.",
                Optional.empty(),
                ExitCodes.SOFTWARE);
    }

    /**
     * Graph's refusals: a token Graph did not take or a permission the app lacks is a sign-in problem (2), no
     * answer at all a connection problem (3), anything else Graph's own error (4). The message keeps the
     * status, Graph's code and the request-id (for Microsoft support); the fix comes separately.
     */
    private static Problem graph(GraphException e) {
        if (interrupted(e)) {
            return new Problem("Interrupted.", "Run the command again.", Optional.empty(), ExitCodes.INTERRUPTED);
        }
        int exit;
        if (e instanceof GraphAuthenticationException || e instanceof GraphAccessDeniedException) {
            exit = ExitCodes.AUTH;
        } else if (e.httpStatus() == 0) {
            exit = ExitCodes.CONNECTION;
        } else {
            exit = ExitCodes.EWS;
        }
        String fix = e.fix();
        String message = fix == null ? e.getMessage() : e.getMessage().replace(" " + fix, "");
        return new Problem(
                message,
                fix != null
                        ? fix
                        : "Check the profile with mailbridge check and run the command again; quote the request-id"
                                + " to Microsoft if it persists.",
                Optional.ofNullable(e.code()),
                exit);
    }

    /** Ctrl-C while a Graph request was on the wire arrives as a GraphException caused by the interrupt. */
    private static boolean interrupted(Throwable t) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private static String field(FieldError f) {
        String option = OPTIONS.get(f.field());
        return option == null ? f.message() : option + ": " + f.message();
    }
}
