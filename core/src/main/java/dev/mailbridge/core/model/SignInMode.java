package dev.mailbridge.core.model;

/** The four ways the vendor guides sign in to a mailbox. */
public enum SignInMode {
    /** The mailbox's own user name and password (Exchange Server). */
    BASIC("Basic, as the mailbox user"),
    /** A service account's password, acting as each mailbox through ExchangeImpersonation. */
    BASIC_IMPERSONATED("Basic, service account with impersonation"),
    /** The mailbox owner signs in at Microsoft once; Mailbridge keeps the refresh token. */
    OAUTH_DELEGATED("OAuth, delegated (the user signs in)"),
    /** The app's own token (client secret or certificate), acting as each mailbox. */
    OAUTH_APP_ONLY("OAuth, app-only (client credentials)");

    private final String label;

    SignInMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean oauth() {
        return this == OAUTH_DELEGATED || this == OAUTH_APP_ONLY;
    }

    public boolean impersonates() {
        return this == BASIC_IMPERSONATED || this == OAUTH_APP_ONLY;
    }
}
