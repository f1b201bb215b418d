package dev.mailbridge.core.model;

/** How Mailbridge reaches the mailbox. */
public enum Transport {
    /** Exchange Web Services: Exchange Server, and Exchange Online until 1 April 2027. */
    EWS,
    /** Microsoft Graph: Exchange Online. */
    GRAPH
}
