package dev.mailbridge.emulator.entra;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Catalogue of the AADSTS errors the emulator produces, with Entra's wire texts. Texts marked
 * "wire" were checked against responses people pasted from real Entra; the others follow
 * Microsoft's error-code reference. One place, so tests and docs can name them.
 */
public final class EntraErrors {
    private EntraErrors() {}

    static final String INVALID_REQUEST = "invalid_request";
    static final String INVALID_GRANT = "invalid_grant";
    static final String INVALID_CLIENT = "invalid_client";
    static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    static final String INVALID_SCOPE = "invalid_scope";
    static final String INVALID_RESOURCE = "invalid_resource";

    /** Entra's 7-fraction-digit ISO instant, as in "issued on 2019-01-28T08:58:16.7135740Z". */
    static final DateTimeFormatter TICKS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The "Timestamp:" format inside error_description and the "timestamp" field. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private static EntraException e(String error, int code, String message) {
        return new EntraException(INVALID_CLIENT.equals(error) ? 401 : 400, error, code, message, null);
    }

    // --- request shape ---------------------------------------------------------------------

    static EntraException missingParameter(String name) {
        return e(INVALID_REQUEST, 900144, "The request body must contain the following parameter: '" + name + "'.");
    }

    static EntraException malformed() {
        return e(INVALID_REQUEST, 9002313, "Invalid request. Request is malformed or invalid.");
    }

    static EntraException malformedGrant() {
        return e(INVALID_GRANT, 9002313, "Invalid request. Request is malformed or invalid.");
    }

    static EntraException onlyPost(String method) {
        return e(
                INVALID_REQUEST, 900561, "The endpoint only accepts POST requests. Received a " + method + " request.");
    }

    static EntraException unsupportedGrantType(String grantType) {
        return new EntraException(
                400,
                "unsupported_grant_type",
                70003,
                "The app requested an unsupported grant type '" + grantType + "'.",
                null);
    }

    static EntraException unsupportedResponseType(String responseType) {
        return new EntraException(
                400,
                "unsupported_response_type",
                700054,
                "response_type '" + responseType + "' is not enabled for the application.",
                null);
    }

    static EntraException invalidCodeChallengeMethod() {
        return e(INVALID_REQUEST, 50149, "Invalid Code_Challenge_method parameter.");
    }

    // --- tenant, cloud, application ----------------------------------------------------------

    /** wire */
    static EntraException tenantNotFound(String tenant) {
        return e(
                INVALID_REQUEST,
                90002,
                "Tenant '" + tenant + "' not found. Check to make sure you have the correct tenant ID and are signing"
                        + " into the correct cloud. Check with your subscription administrator, this may happen if"
                        + " there are no active subscriptions for the tenant.");
    }

    /** wire */
    static EntraException applicationNotFound(String clientId, String directoryName) {
        return e(
                UNAUTHORIZED_CLIENT,
                700016,
                "Application with identifier '" + clientId + "' was not found in the directory '" + directoryName
                        + "'. This can happen if the application has not been installed by the administrator of the"
                        + " tenant or consented to by any user in the tenant. You may have sent your authentication"
                        + " request to the wrong tenant.");
    }

    /** wire */
    static EntraException resourceNotFound(String resource, String tenantName) {
        return e(
                INVALID_RESOURCE,
                500011,
                "The resource principal named " + resource + " was not found in the tenant named " + tenantName
                        + ". This can happen if the application has not been installed by the administrator of the"
                        + " tenant or consented to by any user in the tenant. You might have sent your authentication"
                        + " request to the wrong tenant.");
    }

    static EntraException grantNotSupportedOverCommon() {
        return e(
                INVALID_REQUEST,
                9001023,
                "The grant type isn't supported over the /common or /consumers endpoints. Please use the"
                        + " /organizations or tenant-specific endpoint.");
    }

    /** wire (modern text) */
    static EntraException redirectUriMismatch(String redirectUri, String clientId) {
        return e(
                INVALID_REQUEST,
                50011,
                "The redirect URI '" + redirectUri + "' specified in the request does not match the redirect URIs"
                        + " configured for the application '" + clientId + "'. Make sure the redirect URI sent in the"
                        + " request matches one added to your application in the Azure portal. Navigate to"
                        + " https://aka.ms/redirectUriMismatchError to learn more about how to fix this.");
    }

    /** wire */
    static EntraException replyAddressDiffers(String atToken, String atAuthorize) {
        return e(
                INVALID_GRANT,
                500112,
                "The reply address '" + atToken + "' does not match the reply address '" + atAuthorize
                        + "' provided when requesting Authorization code.");
    }

    // --- client authentication ---------------------------------------------------------------

    /** wire (modern text) */
    static EntraException invalidClientSecret(String clientId) {
        return e(
                INVALID_CLIENT,
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret"
                        + " value, not the client secret ID, for a secret added to app '" + clientId + "'.");
    }

    /** wire (modern text) */
    static EntraException clientSecretExpired(String clientId) {
        return e(
                INVALID_CLIENT,
                7000222,
                "The provided client secret keys for app '" + clientId + "' are expired. Visit the Azure portal to"
                        + " create new keys for your app: https://aka.ms/NewClientSecret, or consider using"
                        + " certificate credentials for added security: https://aka.ms/certCreds.");
    }

    static EntraException credentialRequired() {
        return e(
                INVALID_CLIENT,
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    static EntraException publicClientWithCredential() {
        return e(
                INVALID_CLIENT,
                700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }

    static EntraException invalidAssertion(String why) {
        return e(INVALID_CLIENT, 50027, "Invalid JWT token. " + why);
    }

    static EntraException assertionTypeInvalid() {
        return e(
                INVALID_REQUEST,
                9002313,
                "Invalid request. Request is malformed or invalid. client_assertion_type must be"
                        + " 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
    }

    /** wire */
    static EntraException assertionTimeRange(Instant now, Instant nbf, Instant exp) {
        return e(
                INVALID_CLIENT,
                700024,
                "Client assertion is not within its valid time range. Current time: " + TICKS.format(now)
                        + ", assertion valid from " + (nbf == null ? "(none)" : TICKS.format(nbf))
                        + ", expiry time of assertion " + (exp == null ? "(none)" : TICKS.format(exp))
                        + ". Review the documentation at"
                        + " https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
    }

    /** wire */
    static EntraException assertionKeyNotFound(String thumbprint, String clientId) {
        return e(
                INVALID_CLIENT,
                700027,
                "The certificate with identifier used to sign the client assertion is not registered on application."
                        + " [Reason - The key was not found., Thumbprint of key used by client: '" + thumbprint
                        + "', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured"
                        + " keys for app Id '" + clientId + "'. Review the documentation at"
                        + " https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service"
                        + " endpoint and"
                        + " https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http"
                        + " to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/"
                        + clientId + "'].");
    }

    static EntraException assertionBadSignature(String thumbprint, String reason) {
        return e(
                INVALID_CLIENT,
                700027,
                "Client assertion contains an invalid signature. [Reason - " + reason
                        + ", Thumbprint of key used by client: '" + thumbprint + "']");
    }

    static EntraException assertionIssuerMismatch() {
        return e(
                INVALID_CLIENT, 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    }

    static EntraException assertionSubjectMismatch() {
        return e(INVALID_CLIENT, 50048, "Subject mismatches Issuer claim in the client assertion.");
    }

    static EntraException assertionAudience(String aud) {
        return e(
                INVALID_CLIENT,
                50027,
                "Invalid JWT token. The audience '" + aud + "' of the client assertion is not the token endpoint of"
                        + " this tenant.");
    }

    // --- grants --------------------------------------------------------------------------------

    /** wire */
    static EntraException codeAlreadyRedeemed() {
        return e(
                INVALID_GRANT,
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an"
                        + " existing refresh token.");
    }

    static EntraException codeExpired() {
        return e(
                INVALID_GRANT,
                70008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new"
                        + " interactive authorization request for this user and resource.");
    }

    static EntraException codeForOtherTenant() {
        return e(
                INVALID_GRANT,
                700005,
                "Provided Authorization Code is intended to use against other tenant, thus rejected.");
    }

    static EntraException grantForOtherClient() {
        return e(INVALID_GRANT, 70000, "Provided grant is invalid or malformed.");
    }

    /** wire */
    static EntraException pkceMismatch() {
        return e(
                INVALID_GRANT,
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
    }

    /** wire, incl. suberror */
    static EntraException refreshTokenInactive(Instant issued) {
        return e(
                        INVALID_GRANT,
                        700082,
                        "The refresh token has expired due to inactivity. The token was issued on "
                                + TICKS.format(issued) + " and was inactive for 90.00:00:00.")
                .withSuberror("bad_token");
    }

    /** wire */
    static EntraException grantRevoked(Instant grantIssued, Instant tokensValidFrom) {
        return e(
                INVALID_GRANT,
                50173,
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might"
                        + " have changed or reset their password. The grant was issued on '" + TICKS.format(grantIssued)
                        + "' and the TokensValidFrom date (before which tokens are not valid) for this user is '"
                        + TICKS.format(tokensValidFrom) + "'.");
    }

    static EntraException userNotInTenant(String issuerTenantId, String tenantName, String clientId, String appName) {
        return e(
                INVALID_GRANT,
                50020,
                "User account '{EUII Hidden}' from identity provider 'https://sts.windows.net/" + issuerTenantId
                        + "/' does not exist in tenant '" + tenantName + "' and cannot access the application '"
                        + clientId + "'(" + appName + ") in that tenant. The account needs to be added as an external"
                        + " user in the tenant first. Sign out and sign in again with a different Azure Active"
                        + " Directory user account.");
    }

    // --- users -----------------------------------------------------------------------------

    static EntraException userDisabled() {
        return e(INVALID_GRANT, 50057, "The user account is disabled.");
    }

    static EntraException invalidCredentials() {
        return e(INVALID_GRANT, 50126, "Error validating credentials due to invalid username or password.");
    }

    static EntraException userNotFound(String tenantName) {
        return e(
                INVALID_GRANT,
                50034,
                "The user account {EUII Hidden} does not exist in the " + tenantName + " directory. To sign into this"
                        + " application, the account must be added to the directory.");
    }

    /** wire, incl. suberror */
    static EntraException mfaRequired(String resourceAppId) {
        return e(
                        INVALID_GRANT,
                        50076,
                        "Due to a configuration change made by your administrator, or because you moved to a new"
                                + " location, you must use multi-factor authentication to access '" + resourceAppId
                                + "'.")
                .withSuberror("basic_action");
    }

    static EntraException blockedByConditionalAccess() {
        return e(
                        INVALID_GRANT,
                        53003,
                        "Access has been blocked by Conditional Access policies. The access policy does not allow token"
                                + " issuance.")
                .withSuberror("message_only");
    }

    static EntraException loginRequired() {
        return new EntraException(
                400,
                "login_required",
                50058,
                "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's"
                        + " session were not sent in the request to Azure AD.",
                null);
    }

    // --- consent and scopes --------------------------------------------------------------------

    /** wire, incl. suberror */
    static EntraException consentMissing(String clientId, String appName) {
        return e(
                        INVALID_GRANT,
                        65001,
                        "The user or administrator has not consented to use the application with ID '" + clientId
                                + "' named '" + appName
                                + "'. Send an interactive authorization request for this user and resource.")
                .withSuberror("consent_required");
    }

    static EntraException consentRequiredInteractive(String clientId, String appName) {
        return new EntraException(
                400,
                "consent_required",
                65001,
                "The user or administrator has not consented to use the application with ID '" + clientId + "' named '"
                        + appName + "'. Send an interactive authorization request for this user and resource.",
                null);
    }

    static EntraException userDeclinedConsent() {
        return new EntraException(400, "access_denied", 65004, "User declined to consent to access the app.", null);
    }

    static EntraException adminDeclinedConsent() {
        return new EntraException(
                400, "access_denied", 65004, "The resource owner or authorization server denied the request.", null);
    }

    static EntraException adminConsentNeedsAdmin(String tenantName, String appName) {
        return new EntraException(
                400,
                "access_denied",
                90094,
                "An administrator of " + tenantName + " has set a policy that prevents you from granting " + appName
                        + " the permissions it is requesting. Contact an administrator of " + tenantName
                        + ", who can grant permissions to this app on your behalf.",
                null);
    }

    /** wire */
    static EntraException invalidScope(String scope) {
        return e(
                INVALID_SCOPE,
                70011,
                "The provided value for the input parameter 'scope' is not valid. The scope " + scope
                        + " is not valid.");
    }

    /** wire (MSAL-node issue, client credentials with two resources) */
    static EntraException invalidScopeClientCredentials(String scope) {
        return e(
                INVALID_SCOPE,
                70011,
                "The provided request must include a 'scope' input parameter. The provided value for the input"
                        + " parameter 'scope' is not valid. The scope " + scope + " is not valid.");
    }

    static EntraException clientCredentialsNeedDefault(String scope) {
        return e(
                INVALID_SCOPE,
                1002012,
                "The provided value for scope " + scope + " is not valid. Client credential flows must have a scope"
                        + " value with /.default suffixed to the resource identifier (application ID URI).");
    }

    /** wire */
    static EntraException scopeSpansResources(String scope) {
        return e(
                INVALID_REQUEST,
                28000,
                "Provided value for the input parameter scope is not valid because it contains more than one"
                        + " resource. Scope " + scope + " is not valid.");
    }

    static EntraException resourceNotDeclared(
            String clientId, String appName, String resource, String resourceAppId, String declared) {
        return e(
                INVALID_CLIENT,
                650057,
                "Invalid resource. The client has requested access to a resource which is not listed in the requested"
                        + " permissions in the client's application registration. Client app ID: " + clientId + "("
                        + appName + "). Resource value from request: " + resource + ". Resource app ID: "
                        + resourceAppId + ". List of valid resources from app registration: " + declared + ".");
    }

    static EntraException appNotAssignedToRole(String clientId, String appName, String resourceAppId, String resource) {
        return e(
                INVALID_GRANT,
                501051,
                "Application '" + clientId + "'(" + appName + ") is not assigned to a role for the application '"
                        + resourceAppId + "'(" + resource + ").");
    }

    // --- device code -------------------------------------------------------------------------

    /** wire */
    static EntraException authorizationPending() {
        return new EntraException(
                400,
                "authorization_pending",
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                null);
    }

    /** Not sent by Entra (it lists no slow_down); RFC 8628 §3.5, offered by the emulator. */
    static EntraException slowDown(int interval) {
        return new EntraException(
                400,
                "slow_down",
                70016,
                "OAuth 2.0 device flow error. Polling too fast; wait at least " + interval
                        + " seconds between requests.",
                null);
    }

    /** wire */
    static EntraException deviceCodeExpired() {
        return new EntraException(
                400,
                "expired_token",
                70020,
                "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                null);
    }

    static EntraException authorizationDeclined() {
        return new EntraException(
                400, "authorization_declined", 70000, "The user has declined the authorization request.", null);
    }

    static EntraException badVerificationCode() {
        return new EntraException(
                400,
                "bad_verification_code",
                70018,
                "The provided value for the input parameter 'device_code' is not valid.",
                null);
    }

    static EntraException serverError() {
        return new EntraException(
                500, "server_error", 90100, "An unexpected error occurred in the emulator. Check its log.", null);
    }
}
