package dev.mailbridge.identity.token;

import dev.mailbridge.identity.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token and when it stops working. {@code refreshOn} is Entra's {@code refresh_in} hint (MSAL's
 * refreshOn), present on long-lived tokens; when absent we refresh a margin before expiry.
 */
public record AccessToken(Secret value, Instant obtainedAt, Instant expiresOn, Optional<Instant> refreshOn) {
    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
        Objects.requireNonNull(expiresOn, "expiresOn");
        Objects.requireNonNull(refreshOn, "refreshOn");
    }

    /** {@code Bearer <token>}, for the Authorization header. */
    public String bearerHeader() {
        return "Bearer " + value.reveal();
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresOn);
    }

    /**
     * Whether to refresh now: past {@code refreshOn}, or within {@code margin} of expiry. The margin shrinks to
     * half the lifetime for short-lived tokens, so a 5-minute token is not refreshed on every call.
     */
    public boolean needsRefresh(Instant now, Duration margin) {
        if (refreshOn.isPresent() && !now.isBefore(refreshOn.get())) {
            return true;
        }
        Duration lifetime = Duration.between(obtainedAt, expiresOn);
        Duration effective = margin.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : margin;
        return !now.isBefore(expiresOn.minus(effective));
    }

    @Override
    public String toString() {
        return "AccessToken[expiresOn=" + expiresOn
                + refreshOn.map(r -> ", refreshOn=" + r).orElse("") + "]";
    }
}
