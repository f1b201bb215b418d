package dev.mailbridge.ews.error;

import java.util.Map;

/**
 * ErrorInvalidSyncStateData: the stored SyncState is no longer usable. The recovery is a full
 * resynchronisation: call the sync operation again without a SyncState, and reconcile.
 */
public final class EwsInvalidSyncStateException extends EwsResponseException {
    public EwsInvalidSyncStateException(String messageText, Map<String, String> details, int httpStatus) {
        super(
                ResponseCodes.explain("ErrorInvalidSyncStateData"),
                "ErrorInvalidSyncStateData",
                messageText,
                details,
                httpStatus);
    }
}
