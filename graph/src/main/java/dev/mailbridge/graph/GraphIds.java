package dev.mailbridge.graph;

/**
 * Exchange's two id formats for one item or folder: EWS ids are base64, Graph's REST ids the same bytes in
 * URL-safe base64 ('/' as '-', '+' as '_', padding kept), as Office.js {@code convertToRestId} converts
 * them. Graph's {@code translateExchangeIds} does this server-side but is not open to app-only access, and
 * the switch from EWS needs it for every kind of connection.
 */
public final class GraphIds {
    private GraphIds() {}

    /** The Graph (REST) id of an item or folder known by its EWS id. */
    public static String fromEwsId(String ewsId) {
        return ewsId.replace('/', '-').replace('+', '_');
    }

    /** The EWS id of an item or folder known by its Graph (REST) id. */
    public static String toEwsId(String restId) {
        return restId.replace('-', '/').replace('_', '+');
    }
}
