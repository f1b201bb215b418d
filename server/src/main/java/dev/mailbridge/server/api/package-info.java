/**
 * The REST API ({@code /api/v1/...}): JSON, API keys only (see {@link
 * dev.mailbridge.server.security.SecurityConfig}), RFC 9457 problem details for every error, secrets
 * write-only. Described by OpenAPI 3 at {@code /docs/openapi.json}, browsable at {@code /docs/api}.
 */
package dev.mailbridge.server.api;
