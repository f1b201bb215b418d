package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns Graph's error answers into typed exceptions that say what is wrong and what to do. */
final class GraphErrors {
    private GraphErrors() {}

    static GraphException from(int status, JsonNode body, String requestId, String mailbox) {
        JsonNode error = body == null ? null : body.path("error");
        String code = error == null || error.isMissingNode() ? null : textOrNull(error.get("code"));
        String message = error == null || error.isMissingNode() ? null : textOrNull(error.get("message"));
        String who = mailbox == null ? "the signed-in user's mailbox" : "mailbox " + mailbox;
        String said = message == null ? "" : " Graph said: \"" + message + "\".";
        if (status == 410
                || "SyncStateNotFound".equals(code)
                || "SyncStateInvalid".equals(code)
                || "resyncRequired".equalsIgnoreCase(code)) {
            return new GraphResyncRequiredException(
                    status,
                    code,
                    message,
                    requestId,
                    "The stored delta state for a folder of " + who + " is no longer valid." + said,
                    "Drop the stored deltaLink and sync the folder again from the start.");
        }
        if (status == 401) {
            return new GraphAuthenticationException(
                    status,
                    code,
                    message,
                    requestId,
                    "Microsoft Graph did not accept the access token for " + who + "." + said,
                    "Check that the token is for Graph (audience https://graph.microsoft.com or the cloud's Graph host),"
                            + " from the right tenant and cloud, and not expired; sign in again if the refresh token"
                            + " was revoked.");
        }
        if (status == 403) {
            return new GraphAccessDeniedException(
                    status,
                    code,
                    message,
                    requestId,
                    "Microsoft Graph denied access to " + who + "." + said,
                    "Give the app the Graph permission it needs: Mail.ReadWrite (and Mail.Send to send) — as an"
                            + " application permission with admin consent for app-only access, or as delegated"
                            + " permissions the user consented to. If the tenant limits the app to some mailboxes"
                            + " (RBAC for Applications / an application access policy), add this mailbox to its"
                            + " scope. A delegated user can only reach their own mailbox.");
        }
        if (status == 404) {
            String what = switch (code == null ? "" : code) {
                case "ErrorInvalidUser" -> "The user does not exist in the tenant (or is disabled).";
                case "MailboxNotEnabledForRESTAPI" -> "The user has no Exchange Online mailbox.";
                case "ResourceNotFound" -> "The subscription no longer exists (expired or removed).";
                default -> "The message or folder does not exist any more (a moved message gets a new id).";
            };
            return new GraphNotFoundException(
                    status,
                    code,
                    message,
                    requestId,
                    what + said,
                    "Check the address or id; for a message, sync the folder again to learn its current id.");
        }
        if (status == 429 || status == 503) {
            return new GraphThrottledException(
                    status,
                    code,
                    message,
                    requestId,
                    "Microsoft Graph kept throttling requests for " + who + " past the retry budget." + said,
                    "Send fewer requests at once for this mailbox (at most 4) and try again later.");
        }
        String plain = switch (status) {
            case 400 -> "Microsoft Graph refused the request as malformed.";
            case 409 -> "The change conflicts with an existing object.";
            case 412 -> "The message changed since it was read (If-Match did not match).";
            case 413 -> "The request body is too large for Graph (over 36 MB for mail).";
            default ->
                status >= 500 ? "Microsoft Graph had a server error." : "Microsoft Graph answered HTTP " + status + ".";
        };
        String fix = switch (status) {
            case 412 -> "Read the message again and repeat the change.";
            case 413 -> "Send smaller messages; large attachments need an upload session.";
            default -> status >= 500 ? "Try again later; quote the request-id if it persists." : null;
        };
        return new GraphException(status, code, message, requestId, plain + said, fix);
    }

    static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
