package dev.mailbridge.identity.failure;

import static dev.mailbridge.identity.failure.FailureCategory.ADMIN_CONSENT;
import static dev.mailbridge.identity.failure.FailureCategory.APP_CONFIGURATION;
import static dev.mailbridge.identity.failure.FailureCategory.APP_CREDENTIAL;
import static dev.mailbridge.identity.failure.FailureCategory.CLOCK_SKEW;
import static dev.mailbridge.identity.failure.FailureCategory.MFA_OR_CONDITIONAL_ACCESS;
import static dev.mailbridge.identity.failure.FailureCategory.REAUTHORIZE;
import static dev.mailbridge.identity.failure.FailureCategory.TRANSIENT;
import static dev.mailbridge.identity.failure.FailureCategory.USER_ACCOUNT;
import static dev.mailbridge.identity.failure.FailureCategory.WRONG_TENANT_OR_CLOUD;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The AADSTS codes a mailbox connector meets, from Microsoft's error-code reference (see
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes and the device-code flow page),
 * each with a category, a plain message and the fix.
 * Entra warns that codes change over time: unknown codes fall back to the OAuth {@code error} value and
 * Entra's own description (see {@link Failures}).
 */
public final class AadstsCatalogue {
    private static final Map<Integer, CatalogueEntry> ENTRIES = new LinkedHashMap<>();

    private static final String SIGN_IN_AGAIN = "Have the mailbox owner sign in again (authorize the mailbox anew).";
    private static final String CHECK_TENANT =
            "Check the connection's tenant ID or domain, client ID and cloud (Global, GCC High, DoD, China).";
    private static final String SIGN_IN_LOG =
            "An admin looks up the sign-in in the Entra sign-in logs by its correlation ID to see which policy applied,"
                    + " then adjusts the policy or satisfies it.";

    static {
        // Refresh token lifecycle
        add(
                700082,
                "ExpiredOrRevokedGrantInactiveToken",
                REAUTHORIZE,
                "The authorization lapsed because its refresh token was not used for 90 days.",
                SIGN_IN_AGAIN + " Mailbridge refreshes idle mailboxes regularly so that this does not recur.");
        add(
                70008,
                "ExpiredOrRevokedGrant",
                REAUTHORIZE,
                "The refresh token expired after a long time without use.",
                SIGN_IN_AGAIN);
        add(
                50173,
                "FreshTokenNeeded",
                REAUTHORIZE,
                "Access was revoked: the user's password was changed or reset, or an admin or the user revoked"
                        + " the sign-in sessions.",
                SIGN_IN_AGAIN);
        add(
                70000,
                "InvalidGrant",
                REAUTHORIZE,
                "The refresh token or authorization code is not valid.",
                SIGN_IN_AGAIN + " If it repeats, report it with the trace and correlation IDs.");
        add(
                50089,
                "FlowTokenExpired",
                REAUTHORIZE,
                "The sign-in took too long and its flow token expired.",
                "Start the sign-in again and complete it promptly.");
        add(
                50132,
                "SsoArtifactInvalidOrExpired",
                REAUTHORIZE,
                "The session is no longer valid because the password expired or was changed recently.",
                SIGN_IN_AGAIN);
        add(
                50133,
                "SsoArtifactRevoked",
                REAUTHORIZE,
                "The session was revoked because the password expired or was changed recently.",
                SIGN_IN_AGAIN);
        add(
                50058,
                "UserInformationNotProvided",
                REAUTHORIZE,
                "No sign-in session was available for a silent sign-in.",
                "Sign in interactively.");
        add(
                54005,
                "AuthorizationCodeAlreadyRedeemed",
                REAUTHORIZE,
                "This authorization code was already redeemed (each code works once; a double-submitted"
                        + " callback causes this).",
                "Start the sign-in again.");
        add(
                501481,
                "InvalidCodeChallengeVerifier",
                REAUTHORIZE,
                "The PKCE code verifier does not match the sign-in request that produced this code.",
                "Start the sign-in again and finish it in the same browser session; the callback must complete"
                        + " the sign-in that started it.");
        add(
                70018,
                "BadVerificationCode",
                REAUTHORIZE,
                "The device code was not recognised.",
                "Start the device code sign-in again.");
        add(
                70019,
                "CodeExpired",
                REAUTHORIZE,
                "The device code expired before the user signed in.",
                "Start the device code sign-in again and finish it within its time limit (about 15 minutes).");
        add(
                90119,
                "InvalidUserCode",
                REAUTHORIZE,
                "The user code entered for device sign-in is not valid.",
                "Start the device code sign-in again and enter the code shown.");
        add(
                90120,
                "InvalidDeviceFlowRequest",
                REAUTHORIZE,
                "The device sign-in was already authorized or declined.",
                "Start the device code sign-in again.");

        add(
                70020,
                "DeviceCodeExpired",
                REAUTHORIZE,
                "The device code expired before the user signed in.",
                "Start the device code sign-in again and finish it within its time limit (about 15 minutes).");

        // Consent
        add(
                65001,
                "DelegationDoesNotExist",
                ADMIN_CONSENT,
                "Nobody has consented to this app's permissions for this user or organization.",
                "Have an administrator grant admin consent for the app (Entra admin center > Enterprise"
                        + " applications > Permissions), or let the user consent during an interactive sign-in.");
        add(
                65004,
                "UserDeclinedConsent",
                ADMIN_CONSENT,
                "Consent to the app's permissions was declined.",
                "Sign in again and accept the permissions, or have an administrator grant consent for the"
                        + " organization.");
        add(
                90094,
                "AdminConsentRequired",
                ADMIN_CONSENT,
                "The app asks for permissions that only an administrator can grant.",
                "Have an administrator grant admin consent for the app.");
        add(
                650056,
                "MisconfiguredApplication",
                ADMIN_CONSENT,
                "The permission requested is not configured on the app or has not been consented.",
                "Add the permission under the app registration's API permissions and grant admin consent.");
        add(
                650057,
                "InvalidResource",
                ADMIN_CONSENT,
                "The resource requested is not among the app's configured permissions.",
                "Add the resource's permission under API permissions and grant admin consent.");

        add(
                501051,
                "AppNotAssignedToRole",
                ADMIN_CONSENT,
                "The app has no application permission (role) on the resource: it was not added or not consented.",
                "Add the application permission (e.g. full_access_as_app for EWS, Mail.ReadWrite for Graph) under"
                        + " API permissions and have an administrator grant admin consent.");

        // App credential
        add(
                7000215,
                "InvalidClientSecret",
                APP_CREDENTIAL,
                "The client secret is wrong.",
                "Enter the secret's Value (not its Secret ID) from the app registration's Certificates & secrets"
                        + " page into the connection.");
        add(
                7000222,
                "InvalidClientSecretExpiredKeysProvided",
                APP_CREDENTIAL,
                "The client secret has expired.",
                "Create a new client secret (or upload a certificate) in the app registration's Certificates &"
                        + " secrets page and update the connection.");
        add(
                70002,
                "InvalidClient",
                APP_CREDENTIAL,
                "The app's credentials could not be validated.",
                "Check the connection's client secret or certificate against the app registration.");
        add(
                700027,
                "InvalidClientAssertionSignature",
                APP_CREDENTIAL,
                "The client assertion's signature failed: the certificate in use is not registered for the app.",
                "Upload the certificate the connection uses to the app registration's Certificates & secrets page.");
        add(
                50012,
                "AuthenticationFailed",
                APP_CREDENTIAL,
                "The certificate or client assertion was rejected (unknown thumbprint, bad chain or signature).",
                "Check the certificate uploaded to the app registration, its chain and validity dates.");

        add(
                50027,
                "InvalidJwtToken",
                APP_CREDENTIAL,
                "The signed client assertion is not valid.",
                "Check the certificate and private key given to the connection; they must be the pair registered"
                        + " for the app.");

        // Clock
        add(
                700024,
                "ClientAssertionNotWithinValidTimeRange",
                CLOCK_SKEW,
                "The signed client assertion is outside its valid time window: this server's clock differs from"
                        + " Entra's.",
                "Synchronise this server's clock (NTP); Mailbridge signs a fresh assertion for every request.");
        add(
                500133,
                "AssertionNotWithinValidTimeRange",
                CLOCK_SKEW,
                "An assertion is not within its valid time range.",
                "Synchronise this server's clock (NTP) and obtain a fresh assertion.");

        // MFA and Conditional Access
        add(
                50076,
                "UserStrongAuthClientAuthNRequired",
                MFA_OR_CONDITIONAL_ACCESS,
                "Multi-factor authentication is required (Conditional Access, per-user MFA or a new location);"
                        + " a background refresh cannot satisfy it.",
                "Have the user sign in interactively and complete MFA, or have an admin review the policy.");
        add(
                50079,
                "UserStrongAuthEnrollmentRequired",
                MFA_OR_CONDITIONAL_ACCESS,
                "The user must register for multi-factor authentication.",
                "Have the user register MFA security info, then sign in again.");
        add(
                50078,
                "UserStrongAuthExpired",
                MFA_OR_CONDITIONAL_ACCESS,
                "The user's multi-factor authentication has expired.",
                "Have the user sign in again with MFA.");
        add(
                70043,
                "BadTokenDueToSignInFrequency",
                MFA_OR_CONDITIONAL_ACCESS,
                "A Conditional Access sign-in frequency policy requires the user to sign in again.",
                "Have the user sign in again; an admin can exempt the Mailbridge app from the sign-in frequency"
                        + " policy.");
        add(
                53003,
                "BlockedByConditionalAccess",
                MFA_OR_CONDITIONAL_ACCESS,
                "Access was blocked by a Conditional Access policy.",
                SIGN_IN_LOG);
        add(
                53000,
                "DeviceNotCompliant",
                MFA_OR_CONDITIONAL_ACCESS,
                "A Conditional Access policy requires a compliant device.",
                SIGN_IN_LOG);
        add(
                53001,
                "DeviceNotDomainJoined",
                MFA_OR_CONDITIONAL_ACCESS,
                "A Conditional Access policy requires a domain-joined device.",
                SIGN_IN_LOG);
        add(
                53002,
                "ApplicationUsedIsNotAnApprovedApp",
                MFA_OR_CONDITIONAL_ACCESS,
                "A Conditional Access policy allows only approved client apps.",
                SIGN_IN_LOG);
        add(
                530035,
                "BlockedBySecurityDefaults",
                MFA_OR_CONDITIONAL_ACCESS,
                "The sign-in was blocked by the tenant's security defaults.",
                SIGN_IN_LOG);
        add(
                500021,
                "TenantRestrictions",
                MFA_OR_CONDITIONAL_ACCESS,
                "Tenant restrictions on the network block access to this tenant.",
                "An admin allows the tenant in the network's tenant-restriction settings.");
        add(
                500212,
                "CrossTenantAccessPolicyInbound",
                MFA_OR_CONDITIONAL_ACCESS,
                "A cross-tenant access policy blocks this sign-in.",
                "An admin reviews the cross-tenant access settings.");
        add(
                500213,
                "CrossTenantAccessPolicyOutbound",
                MFA_OR_CONDITIONAL_ACCESS,
                "A cross-tenant access policy blocks this sign-in.",
                "An admin reviews the cross-tenant access settings.");

        // Tenant or cloud
        add(
                90002,
                "InvalidTenantName",
                WRONG_TENANT_OR_CLOUD,
                "The tenant was not found in this cloud: a wrong tenant ID or domain, or the wrong cloud.",
                CHECK_TENANT);
        add(
                90038,
                "NationalCloudTenantRedirection",
                WRONG_TENANT_OR_CLOUD,
                "The tenant belongs to another national cloud.",
                "Switch the connection's cloud to the tenant's cloud.");
        add(
                700016,
                "UnauthorizedClient_DoesNotMatchRequest",
                WRONG_TENANT_OR_CLOUD,
                "The app (client ID) was not found in this tenant: a wrong client ID, tenant or cloud, or the app"
                        + " was never installed in this tenant.",
                CHECK_TENANT + " For a multi-tenant app, an admin of this tenant must consent to it first.");
        add(
                700011,
                "UnauthorizedClientAppNotFoundInOrgIdTenant",
                WRONG_TENANT_OR_CLOUD,
                "The app (client ID) was not found in this tenant.",
                CHECK_TENANT);
        add(
                500011,
                "InvalidResourceServicePrincipalNotFound",
                WRONG_TENANT_OR_CLOUD,
                "The resource (Exchange Online or Microsoft Graph) was not found in this tenant: a wrong tenant,"
                        + " a resource of another cloud, or the service is not provisioned.",
                "Check the connection's cloud (its scopes must be that cloud's Exchange and Graph hosts) and"
                        + " tenant, and that the tenant has Exchange Online.");
        add(
                650052,
                "ServiceNotEnabled",
                WRONG_TENANT_OR_CLOUD,
                "The organization has not subscribed to or enabled a service the app needs (Exchange Online).",
                "Check that the tenant has Exchange Online licences and that the connection's cloud is right.");
        add(
                700005,
                "InvalidGrantRedeemAgainstWrongTenant",
                WRONG_TENANT_OR_CLOUD,
                "The authorization code was issued for another tenant.",
                "Use the same tenant for the sign-in and the code redemption.");
        add(
                50020,
                "UserUnauthorized",
                WRONG_TENANT_OR_CLOUD,
                "The account is from another identity provider and is not a guest in this tenant.",
                "Sign in with an account of the connection's tenant, or invite the account as a guest.");
        add(
                50134,
                "DeviceFlowAuthorizeWrongDatacenter",
                WRONG_TENANT_OR_CLOUD,
                "The device sign-in was completed in another datacenter or cloud.",
                "Use the verification URL shown for this cloud and start again.");

        // App registration or configuration
        add(
                50011,
                "InvalidReplyTo",
                APP_CONFIGURATION,
                "The redirect URI is not registered for the app (it must match exactly).",
                "Add the exact redirect URI Mailbridge uses (scheme, host, port and path) to the app registration's"
                        + " Authentication > Redirect URIs, as a Web platform URI.");
        add(
                500112,
                "ReplyAddressMismatch",
                APP_CONFIGURATION,
                "The redirect URI used to redeem the code differs from the one used to start the sign-in.",
                "Use one redirect URI for the whole sign-in: check the connection's redirect URI setting and start again.");
        add(
                1002012,
                "ClientCredentialsScopeNeedsDefault",
                APP_CONFIGURATION,
                "App-only tokens must be requested with the resource's '/.default' scope.",
                "Use a scope such as https://outlook.office365.com/.default for app-only access.");
        add(
                28000,
                "ScopeSpansResources",
                APP_CONFIGURATION,
                "The scope names more than one resource.",
                "Request scopes of one resource per token.");
        add(
                700054,
                "ResponseTypeNotEnabled",
                APP_CONFIGURATION,
                "The response type is not enabled for the app.",
                "Check the app registration's platform (Web) and its Authentication settings.");
        add(
                50049,
                "InvalidInstance",
                WRONG_TENANT_OR_CLOUD,
                "The sign-in host is not a known Entra ID instance.",
                "Check the connection's cloud and authority URL.");
        add(
                700084,
                "RefreshTokenIssuedToSpa",
                APP_CONFIGURATION,
                "The refresh token was issued for a single-page app and expired after 24 hours.",
                "Register the redirect URI under the Web platform, not Single-page application, then sign in again.");
        add(
                70011,
                "InvalidScope",
                APP_CONFIGURATION,
                "The requested scope is not valid.",
                "Check the scopes: app-only requests take one resource's '/.default' scope; delegated scopes must"
                        + " exist on the resource and be of one cloud.");
        add(
                700022,
                "InvalidMultipleResourcesScope",
                APP_CONFIGURATION,
                "The scope names more than one resource.",
                "Request scopes of one resource per token.");
        add(
                700023,
                "InvalidResourcelessScope",
                APP_CONFIGURATION,
                "A scope without a resource is not valid here.",
                "Use fully qualified scopes such as https://outlook.office365.com/.default.");
        add(
                28002,
                "InvalidScopeOnCodeRedemption",
                APP_CONFIGURATION,
                "The scope given on code redemption is not valid.",
                "Redeem the code with scopes of one resource.");
        add(
                28003,
                "EmptyScopeOnCodeRedemption",
                APP_CONFIGURATION,
                "The scope given on code redemption is empty.",
                "Redeem the code with at least one scope.");
        add(
                50194,
                "InvalidAuthorityForSingleTenantApp",
                APP_CONFIGURATION,
                "The app is single-tenant, so it cannot sign in through /common.",
                "Set the connection's tenant to the tenant ID or domain.");
        add(
                9001023,
                "GrantNotSupportedOverCommon",
                APP_CONFIGURATION,
                "This grant type is not supported over /common or /consumers.",
                "Set the connection's tenant to the tenant ID or domain.");
        add(
                90124,
                "ResourceNotSupportedOverCommon",
                APP_CONFIGURATION,
                "This resource is not supported over /common or /consumers.",
                "Set the connection's tenant to the tenant ID or domain.");
        add(
                90130,
                "AppNotSupportedOverCommon",
                APP_CONFIGURATION,
                "This app is not supported over /common or /consumers.",
                "Set the connection's tenant to the tenant ID or domain.");
        add(
                70001,
                "UnauthorizedClient_AppDisabled",
                APP_CONFIGURATION,
                "The application is disabled.",
                "An admin re-enables it (Enterprise applications > Properties > Enabled for users to sign in).");
        add(
                7000112,
                "UnauthorizedClientAppDisabled",
                APP_CONFIGURATION,
                "The application is disabled.",
                "An admin re-enables it (Enterprise applications > Properties > Enabled for users to sign in).");
        add(
                7000218,
                "InvalidRequestBodyMissingCredential",
                APP_CONFIGURATION,
                "No client secret or certificate was sent, but Entra treats the app as a confidential client.",
                "Give the connection the app's secret or certificate, or enable 'Allow public client flows' in the"
                        + " app registration for device code sign-in.");
        add(
                700025,
                "InvalidClientPublicClientWithCredential",
                APP_CONFIGURATION,
                "A secret or certificate was sent for a public client app.",
                "Remove the credential from the connection, or register the app as a Web app.");
        add(
                50147,
                "MissingCodeChallenge",
                APP_CONFIGURATION,
                "The PKCE code challenge has an invalid size.",
                "Report it: Mailbridge builds the challenge; include the trace and correlation IDs.");
        add(
                501491,
                "InvalidCodeChallengeMethodInvalidSize",
                APP_CONFIGURATION,
                "The PKCE code challenge is not valid.",
                "Report it: Mailbridge builds the challenge; include the IDs.");
        add(
                9002313,
                "InvalidRequest",
                APP_CONFIGURATION,
                "The request to Entra was malformed.",
                "Report it with the trace and correlation IDs.");
        add(
                900144,
                "InvalidRequestParameter",
                APP_CONFIGURATION,
                "A required request parameter was missing.",
                "Check the connection settings; report it with the trace and correlation IDs.");
        add(
                90014,
                "MissingRequiredField",
                APP_CONFIGURATION,
                "A required field was missing from the request.",
                "Check the connection settings; report it with the trace and correlation IDs.");

        // User account
        add(
                50126,
                "InvalidUserNameOrPassword",
                USER_ACCOUNT,
                "The user name or password is wrong.",
                "Re-enter the credentials.");
        add(
                50034,
                "UserAccountNotFound",
                USER_ACCOUNT,
                "The account does not exist in this tenant (mistyped, or in another tenant).",
                "Check the user name, and that the connection's tenant is the user's tenant.");
        add(
                50057,
                "UserDisabled",
                USER_ACCOUNT,
                "The user account is disabled.",
                "An admin re-enables the account, or removes the mailbox from Mailbridge.");
        add(
                50055,
                "InvalidPasswordExpiredPassword",
                USER_ACCOUNT,
                "The user's password has expired.",
                "The user resets the password, then signs in again.");
        add(
                50053,
                "IdsLocked",
                USER_ACCOUNT,
                "The account is locked after too many sign-in attempts, or the sign-in came from a blocked IP.",
                "Wait for the lock to expire or have an admin unlock it; check the Entra sign-in logs.");
        add(
                50105,
                "EntitlementGrantsNotFound",
                USER_ACCOUNT,
                "The user is not assigned to the app.",
                "An admin assigns the user (or a group) to the enterprise application.");
        add(
                16000,
                "InteractionRequired",
                USER_ACCOUNT,
                "The account is not in this tenant or needs an interactive step.",
                "Sign in interactively with an account of the tenant.");
        add(
                135010,
                "KeyNotFound",
                USER_ACCOUNT,
                "A device key was not found.",
                "Not expected for a server connector: report it with the trace and correlation IDs.");

        // Transient
        add(
                70016,
                "AuthorizationPending",
                TRANSIENT,
                "The user has not finished the device sign-in yet.",
                "Wait for the user to finish signing in.");
        add(
                50196,
                "LoopDetected",
                TRANSIENT,
                "Entra saw too many identical requests in a short time.",
                "Wait before retrying; if it repeats, report it (Mailbridge caches tokens to avoid this).");
        add(
                90055,
                "TenantThrottlingError",
                TRANSIENT,
                "Entra is throttling this tenant.",
                "Wait a few minutes and retry.");
        add(50033, "RetryableError", TRANSIENT, "A transient error occurred at Entra.", "Retry.");
        add(90006, "ExternalServerRetryableError", TRANSIENT, "A transient error occurred at Entra.", "Retry.");
        add(90024, "RequestBudgetExceededError", TRANSIENT, "A transient error occurred at Entra.", "Retry.");
        add(90090, "GraphRetryableError", TRANSIENT, "A transient error occurred at Entra.", "Retry.");
    }

    private AadstsCatalogue() {}

    private static void add(int code, String name, FailureCategory category, String message, String fix) {
        if (ENTRIES.put(code, new CatalogueEntry(code, name, category, message, fix)) != null) {
            throw new IllegalStateException("Duplicate AADSTS code " + code);
        }
    }

    public static Optional<CatalogueEntry> lookup(int code) {
        return Optional.ofNullable(ENTRIES.get(code));
    }

    public static Collection<CatalogueEntry> entries() {
        return ENTRIES.values();
    }
}
