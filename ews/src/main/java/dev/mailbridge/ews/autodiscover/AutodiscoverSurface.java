package dev.mailbridge.ews.autodiscover;

/** The Autodiscover request kinds {@link AutodiscoverClient} uses. */
public enum AutodiscoverSurface {
    /** Autodiscover v2: anonymous {@code GET /autodiscover/autodiscover.json} (Exchange Online). */
    JSON_V2,
    /** SOAP {@code GetUserSettings} at {@code /autodiscover/autodiscover.svc}; sends credentials. */
    SOAP,
    /** POX (plain old XML) at {@code /autodiscover/autodiscover.xml}; sends credentials. */
    POX,
    /** The unauthenticated plain-HTTP GET of {@code http://autodiscover.<domain>/autodiscover/autodiscover.xml} that expects a 302. */
    HTTP_REDIRECT;

    String path() {
        return switch (this) {
            case SOAP -> "/autodiscover/autodiscover.svc";
            case POX, HTTP_REDIRECT -> "/autodiscover/autodiscover.xml";
            case JSON_V2 -> "/autodiscover/autodiscover.json";
        };
    }
}
