package dev.mailbridge.identity.failure;

import java.util.Locale;
import java.util.Optional;

/** Turns what Entra said into a {@link SignInFailure}: by the first AADSTS code, else by the OAuth error value. */
public final class Failures {
    private Failures() {}

    public static SignInFailure explain(EntraError entra, Throwable cause) {
        Optional<CatalogueEntry> entry = entra.codes().stream()
                .map(AadstsCatalogue::lookup)
                .flatMap(Optional::stream)
                .findFirst();
        if (entry.isPresent()) {
            CatalogueEntry e = entry.get();
            return new SignInFailure(e.category(), e.message(), e.fix(), entra, cause);
        }
        FailureCategory category = byError(entra.error());
        String summary = entra.summary();
        String message = summary.isBlank()
                ? "Entra ID refused the request (" + entra.error() + ")."
                : "Entra ID says: " + summary;
        return new SignInFailure(category, message, category.defaultFix(), entra, cause);
    }

    /** The category for an OAuth {@code error} value when the code is unknown (RFC 6749, 8628, Entra extras). */
    static FailureCategory byError(String error) {
        return switch (error == null ? "" : error.toLowerCase(Locale.ROOT)) {
            case "invalid_grant",
                    "login_required",
                    "expired_token",
                    "authorization_declined",
                    "bad_verification_code" -> FailureCategory.REAUTHORIZE;
            case "invalid_client" -> FailureCategory.APP_CREDENTIAL;
            case "unauthorized_client", "invalid_resource" -> FailureCategory.WRONG_TENANT_OR_CLOUD;
            case "invalid_scope", "invalid_request", "unsupported_grant_type", "unsupported_response_type" ->
                FailureCategory.APP_CONFIGURATION;
            case "consent_required", "access_denied" -> FailureCategory.ADMIN_CONSENT;
            case "interaction_required" -> FailureCategory.MFA_OR_CONDITIONAL_ACCESS;
            case "temporarily_unavailable", "server_error", "slow_down", "authorization_pending" ->
                FailureCategory.TRANSIENT;
            default -> FailureCategory.UNKNOWN;
        };
    }
}
