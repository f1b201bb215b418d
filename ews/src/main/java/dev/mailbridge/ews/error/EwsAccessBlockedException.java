package dev.mailbridge.ews.error;

/**
 * HTTP 403 from Exchange: EWS is switched off for this tenant or mailbox (Exchange Online policy,
 * licence enforcement, or Microsoft's EWS retirement), not a wrong password.
 */
public final class EwsAccessBlockedException extends EwsHttpException {
    public static final String EXPLANATION =
            "Exchange refused EWS for this mailbox (HTTP 403 Forbidden). In Exchange Online this"
                    + " means EWS is disabled for the tenant or the mailbox, not that the credentials are wrong: since"
                    + " 1 April 2025 EWS needs both the organisation's and the mailbox's EWSEnabled setting to be True or"
                    + " unset; mailboxes with Kiosk/F1/F3 licences are blocked; from 1 October 2026 Microsoft blocks EWS in"
                    + " Exchange Online by default and shuts it down for good on 1 April 2027.";
    public static final String FIX = "A tenant admin must allow EWS: Set-OrganizationConfig -EwsEnabled $true"
            + " -EwsAllowedAppIDs \"<this app's client ID>\" (the allow list is required once EWSEnabled is True),"
            + " check Set-CASMailbox <mailbox> -EwsEnabled and any EwsApplicationAccessPolicy allow/block list"
            + " (matched on the User-Agent), and give the mailbox a licence that includes EWS. This only buys time"
            + " until 1 April 2027: move this connection to Microsoft Graph.";

    public EwsAccessBlockedException() {
        super(EXPLANATION, FIX, 403, false);
    }
}
