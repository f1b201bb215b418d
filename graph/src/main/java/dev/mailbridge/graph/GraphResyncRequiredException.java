package dev.mailbridge.graph;

/** The delta token (sync state) is no longer valid (410 SyncStateNotFound or resyncRequired): start that folder's sync again without a state. */
public final class GraphResyncRequiredException extends GraphException {
    public GraphResyncRequiredException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        super(httpStatus, code, graphMessage, requestId, plain, fix);
    }
}
