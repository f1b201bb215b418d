package dev.mailbridge.ews.autodiscover;

import dev.mailbridge.ews.error.EwsException;
import java.util.List;

/**
 * Autodiscover found no EWS endpoint. {@link #attempts()} lists every candidate tried (or skipped) and
 * why it failed; the message lists them too. Holds no credentials.
 */
public final class AutodiscoverException extends EwsException {
    private final String address;
    private final List<AutodiscoverAttempt> attempts;

    AutodiscoverException(String address, String why, List<AutodiscoverAttempt> attempts) {
        super(
                "Autodiscover found no EWS endpoint for " + address + (why == null ? "" : " (" + why + ")")
                        + ". Tried: " + describe(attempts),
                "Check the address and that the organisation publishes Autodiscover for its domain. If its"
                        + " Autodiscover lives in another domain, approve that domain (approvedDomains); otherwise"
                        + " configure the EWS URL (https://<server>/EWS/Exchange.asmx) explicitly.",
                null,
                null,
                0,
                false,
                null);
        this.address = address;
        this.attempts = List.copyOf(attempts);
    }

    private static String describe(List<AutodiscoverAttempt> attempts) {
        if (attempts.isEmpty()) {
            return "nothing (no candidate was allowed).";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < attempts.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(attempts.get(i));
        }
        return sb.append('.').toString();
    }

    public String address() {
        return address;
    }

    /** Every step, in order. */
    public List<AutodiscoverAttempt> attempts() {
        return attempts;
    }
}
