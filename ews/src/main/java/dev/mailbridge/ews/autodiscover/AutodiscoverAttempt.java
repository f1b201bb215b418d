package dev.mailbridge.ews.autodiscover;

/**
 * One step of an Autodiscover search, for the error report and diagnostics. Never holds credentials.
 *
 * @param surface the request kind
 * @param url the URL (contains the e-mail address for JSON v2, never a secret)
 * @param credentialsSent whether an {@code Authorization} header went with the request
 * @param outcome what happened, in plain words ("HTTP 404", "refused: foreign host ...", "redirectAddr to ...")
 */
public record AutodiscoverAttempt(AutodiscoverSurface surface, String url, boolean credentialsSent, String outcome) {
    @Override
    public String toString() {
        return surface + " " + url + (credentialsSent ? " (with credentials)" : "") + ": " + outcome;
    }
}
