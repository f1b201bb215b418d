package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.MailboxStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Small helpers the controllers and templates share (exposed to templates as {@code @pages}). */
@Component("pages")
public class Pages {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A flash or page message: what happened, what to do, and Entra's identifiers when there are any. */
    public record Notice(
            String kind, String message, String fix, String code, String traceId, String correlationId, String field) {
        static Notice ok(String message) {
            return new Notice("ok", message, null, null, null, null, null);
        }

        static Notice error(String message, String fix) {
            return new Notice("error", message, fix, null, null, null, null);
        }

        static Notice of(AuthorizationFailure f) {
            return new Notice(
                    "error",
                    f.getMessage(),
                    f.fix(),
                    f.code().orElse(null),
                    f.traceId().orElse(null),
                    f.correlationId().orElse(null),
                    f.field().orElse(null));
        }
    }

    static String actor() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? "anonymous" : a.getName();
    }

    static boolean isAdmin() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a != null && a.getAuthorities().stream().anyMatch(g -> "ROLE_ADMIN".equals(g.getAuthority()));
    }

    static Map<String, String> errors(ValidationException e) {
        Map<String, String> m = new LinkedHashMap<>();
        for (FieldError f : e.errors()) {
            m.merge(f.field(), f.message(), (a, b) -> a + " " + b);
        }
        return m;
    }

    public String when(Instant i) {
        return i == null ? "" : WHEN.format(i);
    }

    public String when(Optional<Instant> i) {
        return i.map(WHEN::format).orElse("never");
    }

    public String iso(Instant i) {
        return i == null ? "" : i.toString();
    }

    /** CSS class of a status badge: green, amber or red. */
    public String badge(MailboxStatus s) {
        return switch (s) {
            case AUTHORIZED -> "badge ok";
            case EXPIRING -> "badge warn";
            case NOT_AUTHORIZED -> "badge neutral";
            default -> "badge bad";
        };
    }

    public String outcome(HistoryEvent.Outcome o) {
        return switch (o) {
            case OK -> "badge ok";
            case WARNING -> "badge warn";
            case FAILED -> "badge bad";
        };
    }
}
