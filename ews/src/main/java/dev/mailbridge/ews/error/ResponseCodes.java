package dev.mailbridge.ews.error;

import java.util.Map;

/** Plain-language explanation and fix for the EWS ResponseCodes a mail integration meets. */
public final class ResponseCodes {
    /** One catalogue entry. */
    public record Explanation(String plain, String fix, boolean retryable) {}

    private static final Map<String, Explanation> CATALOGUE = Map.ofEntries(
            e(
                    "ErrorServerBusy",
                    "Exchange is throttling this mailbox (its EWS budget is spent).",
                    "Wait for the back-off Exchange gave (BackOffMilliseconds) before sending anything else for this"
                            + " mailbox; lower concurrency and batch sizes if it keeps happening.",
                    true),
            e(
                    "ErrorInvalidSyncStateData",
                    "The stored synchronisation state is invalid (corrupted, truncated, from another folder or root).",
                    "Resynchronise from scratch: call the sync again without a SyncState, then store the new state"
                            + " untruncated.",
                    false),
            e("ErrorInternalServerTransientError", "Exchange had a temporary internal error.", "Retry later.", true),
            e(
                    "ErrorTooManyObjectsOpened",
                    "Exchange's limit on open objects was exceeded.",
                    "Retry later with fewer concurrent requests.",
                    true),
            e(
                    "ErrorTimeoutExpired",
                    "Exchange ran out of time for the request.",
                    "Retry with smaller batches (about 10 items).",
                    true),
            e(
                    "ErrorMailboxStoreUnavailable",
                    "The mailbox database is unavailable.",
                    "Retry later; if it persists the Exchange admin must check the database.",
                    true),
            e(
                    "ErrorMailboxMoveInProgress",
                    "The mailbox is being moved to another server.",
                    "Retry later; run Autodiscover again if it persists.",
                    true),
            e(
                    "ErrorItemNotFound",
                    "The item does not exist (any more), or this account may not see it. Item IDs change when an"
                            + " item is moved.",
                    "Resynchronise the folder to learn the item's current ID.",
                    false),
            e(
                    "ErrorFolderNotFound",
                    "The folder does not exist, or this account may not see it.",
                    "Resynchronise the folder hierarchy; check the delegate's folder permissions.",
                    false),
            e(
                    "ErrorSyncFolderNotFound",
                    "The folder being synchronised no longer exists.",
                    "Resynchronise the folder hierarchy and drop this folder's sync state.",
                    false),
            e(
                    "ErrorAccessDenied",
                    "The account is not allowed to do this.",
                    "Grant the account the needed mailbox or folder permission.",
                    false),
            e(
                    "ErrorImpersonateUserDenied",
                    "The account may not impersonate this mailbox.",
                    "On Exchange Server assign the ApplicationImpersonation role to the service account; in Exchange"
                            + " Online grant the app full_access_as_app (and its Application Access Policy scope).",
                    false),
            e(
                    "ErrorImpersonationFailed",
                    "Impersonation of the mailbox failed.",
                    "Check the impersonated address and the service account's impersonation rights.",
                    false),
            e(
                    "ErrorNonExistentMailbox",
                    "The mailbox address does not exist.",
                    "Check the mailbox's primary SMTP address.",
                    false),
            e(
                    "ErrorInvalidIdMalformed",
                    "The item or folder ID is malformed. IDs are case-sensitive and must not be truncated.",
                    "Store IDs byte-exact in fields of at least 512 bytes.",
                    false),
            e(
                    "ErrorInvalidChangeKey",
                    "The change key is invalid.",
                    "Read the item again to get its current change key.",
                    false),
            e(
                    "ErrorStaleObject",
                    "The change key is out of date: the item changed since it was read.",
                    "Read the item again and repeat the update.",
                    false),
            e(
                    "ErrorIrresolvableConflict",
                    "The update conflicts with a newer change.",
                    "Read the item again and repeat the update.",
                    false),
            e(
                    "ErrorQuotaExceeded",
                    "The mailbox is over its storage quota.",
                    "The mailbox owner must free space, or an admin raise the quota.",
                    false),
            e(
                    "ErrorMessageSizeExceeded",
                    "The message is larger than Exchange allows.",
                    "Send a smaller message, or an admin raises the message size limit.",
                    false),
            e(
                    "ErrorSendAsDenied",
                    "The account may not send as this sender.",
                    "Grant Send As / Send on Behalf, or send from the account's own address.",
                    false),
            e(
                    "ErrorSubscriptionNotFound",
                    "The subscription no longer exists (expired, or the server restarted).",
                    "Create a new subscription and resynchronise with SyncFolderItems.",
                    false),
            e(
                    "ErrorExpiredSubscription",
                    "The subscription has expired.",
                    "Create a new subscription and resynchronise with SyncFolderItems.",
                    false),
            e(
                    "ErrorInvalidSubscription",
                    "The subscription is no longer valid.",
                    "Create a new subscription and resynchronise with SyncFolderItems.",
                    false),
            e(
                    "ErrorInvalidWatermark",
                    "The watermark is unknown to Exchange (too old or from another database).",
                    "Create a new subscription without a watermark and resynchronise.",
                    false),
            e(
                    "ErrorExceededConnectionCount",
                    "Too many concurrent connections for this mailbox.",
                    "Lower the per-mailbox concurrency.",
                    true),
            e(
                    "ErrorExceededSubscriptionCount",
                    "Too many subscriptions for this mailbox (Exchange Online allows 20).",
                    "Unsubscribe unused subscriptions; use SubscribeToAllFolders.",
                    false),
            e(
                    "ErrorInvalidServerVersion",
                    "Exchange does not accept the requested server version.",
                    "Configure an older RequestServerVersion (e.g. Exchange2013_SP1) for this server.",
                    false),
            e(
                    "ErrorSchemaValidation",
                    "Exchange rejected the request as not matching its schema.",
                    "This is a client bug or a too-old Exchange version: report it with the request-id.",
                    false),
            e(
                    "ErrorInvalidRequest",
                    "Exchange could not understand the request.",
                    "Report it with the request-id.",
                    false),
            e(
                    "ErrorInternalServerError",
                    "Exchange had an internal error.",
                    "Retry once later; if it persists the Exchange admin must check the server logs.",
                    false),
            e(
                    "ErrorBatchProcessingStopped",
                    "Exchange stopped processing the batch after an earlier item failed.",
                    "Fix the earlier error and repeat the remaining items.",
                    false),
            e(
                    "SoapFault",
                    "Exchange refused the request with a SOAP fault.",
                    "See Exchange's message; report it with the request-id if unclear.",
                    false));

    private static Map.Entry<String, Explanation> e(String code, String plain, String fix, boolean retryable) {
        return Map.entry(code, new Explanation(plain, fix, retryable));
    }

    private ResponseCodes() {}

    /** Every code with its own explanation (docs/troubleshooting.md lists them all; a test checks it). */
    public static Map<String, Explanation> catalogue() {
        return CATALOGUE;
    }

    /** The entry for a code; unknown codes get a generic explanation that keeps Exchange's own text. */
    public static Explanation explain(String code) {
        Explanation known = code == null ? null : CATALOGUE.get(code);
        if (known != null) {
            return known;
        }
        return new Explanation(
                "Exchange refused the request" + (code == null ? "." : " with " + code + "."),
                "See Exchange's message text; report it with the request-id if unclear.",
                false);
    }
}
