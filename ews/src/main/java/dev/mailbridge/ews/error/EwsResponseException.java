package dev.mailbridge.ews.error;

import java.util.Map;

/** Exchange answered a request (or one item of a batch) with ResponseClass="Error" and a ResponseCode. */
public class EwsResponseException extends EwsException {
    private final Map<String, String> details;

    public EwsResponseException(String responseCode, String messageText, Map<String, String> details, int httpStatus) {
        this(ResponseCodes.explain(responseCode), responseCode, messageText, details, httpStatus);
    }

    protected EwsResponseException(
            ResponseCodes.Explanation explanation,
            String responseCode,
            String messageText,
            Map<String, String> details,
            int httpStatus) {
        super(
                explanation.plain(),
                explanation.fix(),
                responseCode,
                messageText,
                httpStatus,
                explanation.retryable(),
                null);
        this.details = Map.copyOf(details);
    }

    /** {@code MessageXml} values ({@code <t:Value Name="...">}), e.g. BackOffMilliseconds. */
    public Map<String, String> details() {
        return details;
    }

    /** The subscription is gone (expired, not found, server restarted): create a new one, then sync. */
    public boolean subscriptionLost() {
        String code = responseCode().orElse("");
        return switch (code) {
            case "ErrorSubscriptionNotFound",
                    "ErrorExpiredSubscription",
                    "ErrorInvalidSubscription",
                    "ErrorEventNotFound",
                    "ErrorReadEventsFailed",
                    "ErrorInvalidWatermark",
                    "ErrorMissedNotificationEvents" -> true;
            default -> false;
        };
    }

    /** Creates the most specific exception for a ResponseCode. */
    public static EwsResponseException of(
            String responseCode, String messageText, Map<String, String> details, int httpStatus) {
        if ("ErrorServerBusy".equals(responseCode)) {
            return new EwsServerBusyException(messageText, details, httpStatus);
        }
        if ("ErrorInvalidSyncStateData".equals(responseCode)) {
            return new EwsInvalidSyncStateException(messageText, details, httpStatus);
        }
        return new EwsResponseException(responseCode, messageText, details, httpStatus);
    }
}
