package dev.mailbridge.ews.error;

/**
 * The response was refused because it is unsafe to parse: a DTD or entity declarations (XXE, entity
 * expansion), or a document beyond the configured size, depth or count limits.
 */
public final class EwsUnsafeResponseException extends EwsProtocolException {
    public EwsUnsafeResponseException(String plainMessage, Throwable cause) {
        super(
                plainMessage,
                "Exchange never sends DTDs or documents this large: check that the EWS URL really points at Exchange"
                        + " and that nothing between (proxy, TLS inspection) rewrites the response. If a legitimate"
                        + " response is this large, raise XmlLimits on the EwsProtocol.",
                0,
                cause);
    }
}
