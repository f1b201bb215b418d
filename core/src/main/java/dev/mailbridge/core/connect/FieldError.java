package dev.mailbridge.core.connect;

/**
 * What is wrong with one field and how to fix it. {@code field} is the {@link
 * dev.mailbridge.core.model.ConnectionSettings} component name ({@code tenantId}, {@code clientSecret},
 * ...), so forms and API clients can show it at the field.
 */
public record FieldError(String field, String message) {}
