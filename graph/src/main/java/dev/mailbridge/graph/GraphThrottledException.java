package dev.mailbridge.graph;

/** Graph kept throttling this mailbox (429/503) past the retry budget. */
public final class GraphThrottledException extends GraphException {
    public GraphThrottledException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        super(httpStatus, code, graphMessage, requestId, plain, fix);
    }
}
