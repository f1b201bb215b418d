package dev.mailbridge.ews.autodiscover;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * What Autodiscover found for an address.
 *
 * @param requestedAddress the address asked about
 * @param mailbox the address that finally answered (after redirectAddr / RedirectAddress; the
 *     server's AutoDiscoverSMTPAddress when it gave one)
 * @param ewsUrl the EWS URL to use (https): the external one when the server gave both
 * @param internalEwsUrl SOAP InternalEwsUrl / POX EXCH EwsUrl, or null
 * @param externalEwsUrl SOAP ExternalEwsUrl / POX EXPR EwsUrl, or null
 * @param displayName the user's display name, or null (JSON v2 has none)
 * @param settings every SOAP user setting returned (name to value); empty for POX and JSON v2
 * @param surface which kind of request answered
 * @param answeredBy the Autodiscover URL that answered (without query)
 * @param discoveredAt when it was found (cache age)
 */
public record AutodiscoverResult(
        String requestedAddress,
        String mailbox,
        URI ewsUrl,
        URI internalEwsUrl,
        URI externalEwsUrl,
        String displayName,
        Map<String, String> settings,
        AutodiscoverSurface surface,
        URI answeredBy,
        Instant discoveredAt) {

    public AutodiscoverResult {
        settings = Map.copyOf(settings);
    }

    AutodiscoverResult forRequest(String address) {
        return new AutodiscoverResult(
                address,
                mailbox,
                ewsUrl,
                internalEwsUrl,
                externalEwsUrl,
                displayName,
                settings,
                surface,
                answeredBy,
                discoveredAt);
    }
}
