package dev.mailbridge.identity.failure;

/** What kind of action a sign-in failure calls for; drives the admin UI's wording and the scheduler. */
public enum FailureCategory {
    REAUTHORIZE("Sign in again", "The mailbox owner must sign in again.", false),
    ADMIN_CONSENT("Consent needed", "An administrator must grant consent to the app.", false),
    APP_CREDENTIAL("App secret or certificate", "Fix the app's client secret or certificate.", false),
    CLOCK_SKEW("Clock skew", "Synchronise this server's clock (NTP).", false),
    MFA_OR_CONDITIONAL_ACCESS(
            "MFA or Conditional Access", "Complete multi-factor authentication or adjust the policy.", false),
    WRONG_TENANT_OR_CLOUD("Wrong tenant or cloud", "Check the connection's tenant, client ID and cloud.", false),
    APP_CONFIGURATION(
            "App registration or configuration", "Fix the app registration or the connection settings.", false),
    USER_ACCOUNT("User account", "The user's account needs attention.", false),
    TRANSIENT("Temporary", "Retry later; no action is needed unless it persists.", true),
    CONNECTION("Network, proxy or TLS", "Check the network, proxy and trusted certificates.", true),
    UNKNOWN("Unrecognised", "See Entra's description; report it with the trace and correlation IDs.", false);

    private final String title;
    private final String defaultFix;
    private final boolean retryable;

    FailureCategory(String title, String defaultFix, boolean retryable) {
        this.title = title;
        this.defaultFix = defaultFix;
        this.retryable = retryable;
    }

    public String title() {
        return title;
    }

    public String defaultFix() {
        return defaultFix;
    }

    /** True when trying again later, unchanged, may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
