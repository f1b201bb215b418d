package dev.mailbridge.graph;

/** Graph did not accept the access token (401), also after one refresh. */
public final class GraphAuthenticationException extends GraphException {
    public GraphAuthenticationException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        super(httpStatus, code, graphMessage, requestId, plain, fix);
    }
}
