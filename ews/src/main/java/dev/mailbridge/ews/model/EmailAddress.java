package dev.mailbridge.ews.model;

/** A mailbox as EWS describes it ({@code t:Mailbox}): display name, address and routing type (SMTP, EX). */
public record EmailAddress(String name, String address, String routingType) {
    public static EmailAddress smtp(String address) {
        return new EmailAddress(null, address, null);
    }
}
