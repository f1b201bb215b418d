package dev.mailbridge.ews.xml;

/** Namespace URIs EWS uses. Always matched by URI, never by prefix (Microsoft mixes s:, soap: and default namespaces). */
public final class Ns {
    public static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    public static final String E = "http://schemas.microsoft.com/exchange/services/2006/errors";
    public static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private Ns() {}
}
