package dev.mailbridge.identity.signin;

/** How Entra returns the code to the redirect URI. */
public enum ResponseMode {
    /** In the query string of a GET: simple, but the code then shows in URLs and access logs. */
    QUERY,
    /** In the body of a POST (our default, as Microsoft recommends): the code never appears in URLs or logs. */
    FORM_POST
}
