package dev.mailbridge.graph;

/** Graph refused access to the mailbox (403). */
public final class GraphAccessDeniedException extends GraphException {
    public GraphAccessDeniedException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        super(httpStatus, code, graphMessage, requestId, plain, fix);
    }
}
