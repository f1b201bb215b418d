package dev.mailbridge.ews.error;

import java.util.Optional;

/** HTTP 401: the credential or token was refused (after one refresh-and-retry for OAuth). */
public final class EwsAuthenticationException extends EwsHttpException {
    private final String diagnostics;

    public EwsAuthenticationException(String plainMessage, String fix, String diagnostics) {
        super(plainMessage, fix, 401, false);
        this.diagnostics = diagnostics;
    }

    /** Exchange's {@code x-ms-diagnostics} header (OAuth only), e.g. {@code 2000002;reason=...}. */
    public Optional<String> diagnostics() {
        return Optional.ofNullable(diagnostics);
    }

    public static EwsAuthenticationException fromDiagnostics(String diagnostics, boolean bearer) {
        String id = diagnostics == null ? "" : diagnostics.split(";", 2)[0].trim();
        return switch (id) {
            case "2000002" ->
                new EwsAuthenticationException(
                        "Exchange refused the access token as expired, even after one refresh.",
                        "Check that the server clock is synchronised (NTP) and that the token source returns fresh tokens.",
                        diagnostics);
            case "2000003" ->
                new EwsAuthenticationException(
                        "Exchange refused the access token: it was issued for another resource (audience).",
                        "Request the token for the Exchange resource of the same cloud, e.g."
                                + " https://outlook.office365.com/.default (app-only) or .../EWS.AccessAsUser.All (delegated).",
                        diagnostics);
            case "2000004" ->
                new EwsAuthenticationException(
                        "Exchange refused the access token: the tenant is unknown to this Exchange.",
                        "Check the tenant ID and the cloud (global, GCC High, DoD, China) of the connection.",
                        diagnostics);
            case "2000008" ->
                new EwsAuthenticationException(
                        "Exchange refused the access token: it lacks the permission EWS needs.",
                        "Grant the app full_access_as_app (app-only) or EWS.AccessAsUser.All (delegated) and have an admin"
                                + " consent; app-only calls must also impersonate a mailbox.",
                        diagnostics);
            default ->
                bearer
                        ? new EwsAuthenticationException(
                                "Exchange refused the access token (HTTP 401).",
                                "Check the app's permissions and admin consent, and that the mailbox exists and is licensed.",
                                diagnostics)
                        : new EwsAuthenticationException(
                                "Exchange refused the user name or password (HTTP 401).",
                                "Check the user name (DOMAIN\\user or UPN) and password, and that Basic authentication is enabled"
                                        + " on the EWS virtual directory. Exchange Online no longer accepts Basic: use OAuth.",
                                diagnostics);
        };
    }
}
