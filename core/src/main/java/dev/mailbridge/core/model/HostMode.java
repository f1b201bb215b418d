package dev.mailbridge.core.model;

/** Where the EWS endpoint comes from. */
public enum HostMode {
    AUTODISCOVER,
    SUPPLIED
}
