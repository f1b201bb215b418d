package dev.mailbridge.identity.failure;

/** One AADSTS code: Microsoft's name for it, our category, and what it means and what fixes it, in plain words. */
public record CatalogueEntry(int code, String name, FailureCategory category, String message, String fix) {}
