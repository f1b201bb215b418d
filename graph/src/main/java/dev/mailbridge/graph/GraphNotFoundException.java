package dev.mailbridge.graph;

/** Graph has no such object (404): the message, folder, user or subscription id is unknown or was removed (a moved message gets a new id). */
public final class GraphNotFoundException extends GraphException {
    public GraphNotFoundException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        super(httpStatus, code, graphMessage, requestId, plain, fix);
    }
}
