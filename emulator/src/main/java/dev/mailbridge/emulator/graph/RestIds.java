package dev.mailbridge.emulator.graph;

/**
 * Graph's "REST id" format of Exchange ids (messages, mailFolders, attachments, conversations): the
 * EWS id with every {@code /} as {@code -} and every {@code +} as {@code _}, {@code =} padding kept,
 * as Office.js {@code convertToRestId} does. The store keeps EWS ids; Graph converts them here, on
 * the way out and on the way in, and refuses an EWS-format id as Exchange Online does.
 */
public final class RestIds {
    private RestIds() {}

    /** The REST form of an EWS id (null stays null). */
    public static String toRest(String ewsId) {
        return ewsId == null ? null : ewsId.replace('/', '-').replace('+', '_');
    }

    /** The EWS form of a REST id; a well-known folder name (inbox, ...) comes back unchanged. */
    public static String fromRest(String restId) {
        return restId == null ? null : restId.replace('-', '/').replace('_', '+');
    }

    /** True when the id has a character only the EWS format uses, so Graph cannot take it. */
    public static boolean isEwsFormat(String id) {
        return id != null && (id.indexOf('/') >= 0 || id.indexOf('+') >= 0);
    }

    /** An id a client sent, as the store's EWS id; 400 ErrorInvalidIdMalformed for an EWS-format one. */
    static String input(String id) throws GraphError {
        if (isEwsFormat(id)) {
            throw malformed();
        }
        return fromRest(id);
    }

    /** Graph's answer to an id it cannot read, such as an EWS id not converted to the REST format. */
    static GraphError malformed() {
        return new GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
    }
}
