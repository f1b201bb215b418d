package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.connect.Authorizations;
import dev.mailbridge.core.connect.ConnectionTester.TestReport;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailbridge login}: saves a profile (a connection and its mailbox) and signs it in. */
@Command(
        mixinStandardHelpOptions = true,
        name = "login",
        description = {
            "Sign in to a mailbox and save it as a profile (secrets and tokens encrypted at rest).",
            "Delegated sign-in with a device code (the default without a desktop browser) or in the browser;"
                    + " app-only with a client secret or certificate; Basic for Exchange Server.",
            "Over EWS (the default) or, with --transport graph, over Microsoft Graph (Exchange Online)."
        },
        sortOptions = false)
final class LoginCommand extends CliCommand {
    static final String SECRET_ENV = "MAILBRIDGE_CLIENT_SECRET";
    static final String PASSWORD_ENV = "MAILBRIDGE_PASSWORD";

    /** The national clouds by their everyday names. */
    enum CloudName {
        global(Cloud.GLOBAL),
        usgov(Cloud.US_GOV_HIGH),
        dod(Cloud.US_GOV_DOD),
        china(Cloud.CHINA);

        final Cloud cloud;

        CloudName(Cloud cloud) {
            this.cloud = cloud;
        }
    }

    static final class Mode {
        @Option(
                names = "--device-code",
                description = "Show a code to enter at Microsoft's page on any device (needs a public client app).")
        boolean deviceCode;

        @Option(
                names = "--browser",
                description =
                        "Sign in in the browser (authorization code with PKCE, redirect to http://localhost:PORT).")
        boolean browser;

        @Option(names = "--app-only", description = "The app's own token (client secret or certificate).")
        boolean appOnly;

        @Option(names = "--basic", description = "User name and password (Exchange Server).")
        boolean basic;
    }

    /** How the profile reaches the mailbox. */
    enum TransportName {
        ews(Transport.EWS),
        graph(Transport.GRAPH);

        final Transport transport;

        TransportName(Transport transport) {
            this.transport = transport;
        }
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    @Option(names = "--mailbox", paramLabel = "ADDRESS", description = "The mailbox's email address.")
    String mailbox;

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            description = "Directory (tenant) ID or domain; delegated default: organizations.")
    String tenant;

    @Option(names = "--client-id", paramLabel = "ID", description = "The app registration's application (client) ID.")
    String clientId;

    @Option(
            names = "--cloud",
            paramLabel = "CLOUD",
            defaultValue = "global",
            description = "global, usgov (GCC High), dod or china (default: ${DEFAULT-VALUE}).")
    CloudName cloud;

    @Option(
            names = "--authority",
            paramLabel = "URL",
            description = "Another sign-in host than the cloud's (for example the emulator's https://localhost:8443).")
    String authority;

    @Option(
            names = "--transport",
            paramLabel = "TRANSPORT",
            defaultValue = "ews",
            description = "ews (Exchange Web Services: Exchange Server, and Exchange Online until 1 April 2027) or"
                    + " graph (Microsoft Graph: Exchange Online; OAuth only). Default: ${DEFAULT-VALUE}.")
    TransportName transport;

    @Option(
            names = "--graph-url",
            paramLabel = "URL",
            description = "Graph: another service root than the cloud's https://.../v1.0 (for example the emulator's"
                    + " https://localhost:8443/v1.0).")
    String graphUrl;

    @Option(
            names = "--ews-url",
            paramLabel = "URL",
            description = "The EWS endpoint (https://.../EWS/Exchange.asmx); without it Autodiscover finds it.")
    String ewsUrl;

    @Option(
            names = "--approved-hosts",
            paramLabel = "HOSTS",
            description = "Other domains Autodiscover may send credentials to (comma-separated).")
    String approvedHosts;

    @Option(
            names = "--trust-ca",
            paramLabel = "PEM_FILE",
            description = "Also trust this CA's certificate (a private CA, or the emulator's ca.pem).")
    Path trustCa;

    @Option(
            names = "--client-secret-env",
            paramLabel = "VAR",
            description = "Read the client secret from this environment variable (default " + SECRET_ENV
                    + "; else it is asked for, or read from the first line of standard input).")
    String secretEnv;

    @Option(
            names = "--with-client-secret",
            description = "Browser sign-in with a confidential (web) app: ask for its client secret as well.")
    boolean withSecret;

    @Option(
            names = "--certificate",
            paramLabel = "PEM_FILE",
            description = "App-only with a certificate: a PEM file with the certificate and its private key.")
    Path certificate;

    @Option(names = "--user", paramLabel = "NAME", description = "Basic: the user name (default: the mailbox).")
    String user;

    @Option(
            names = "--impersonate",
            description = "Basic: --user is a service account acting as the mailbox (ApplicationImpersonation).")
    boolean impersonate;

    @Option(
            names = "--password-env",
            paramLabel = "VAR",
            description = "Basic: read the password from this environment variable (default " + PASSWORD_ENV
                    + "; else it is asked for, or read from standard input).")
    String passwordEnv;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Browser: the loopback port to listen on (default: a free one).")
    int port;

    @Option(names = "--no-open", description = "Browser: print the sign-in URL instead of opening a browser.")
    boolean noOpen;

    @Override
    int run(CliState state, Output out) throws Exception {
        String name = root.profile().orElse("default");
        SignInMode signIn = signInMode();
        String address = mailboxAddress(signIn);
        ConnectionSettings settings = settings(name, signIn, state);

        List<FieldError> errors = state.services().connections().check(settings, Optional.empty());
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        // Logging in again replaces the profile: new settings, new tokens.
        state.find(name)
                .ifPresent(p ->
                        state.services().connections().delete(p.connection().id(), CliState.ACTOR));
        UUID org = state.organisation().id();
        UUID connection = state.services()
                .connections()
                .create(org, settings, CliState.ACTOR)
                .id();
        Mailbox m = state.services().connections().addMailbox(connection, address, Optional.empty(), CliState.ACTOR);

        String signedInAs;
        String how;
        try {
            if (signIn == SignInMode.OAUTH_APP_ONLY) {
                signedInAs = state.services()
                        .authorizations()
                        .authorizeAppOnly(m.id(), CliState.ACTOR)
                        .signedInAs();
                how = "app-only";
            } else if (!signIn.oauth()) {
                TestReport report = state.services().tester().test(m.id(), CliState.ACTOR);
                if (!report.passed()) {
                    CheckCommand.print(report, out);
                    out.note(kept(name));
                    return CheckCommand.exitCode(report);
                }
                signedInAs = settings.username().orElse(address);
                how = "basic";
            } else if (useBrowser()) {
                signedInAs =
                        new BrowserSignIn(state, out, port, !noOpen).signIn(m).signedInAs();
                how = "browser";
            } else {
                signedInAs = deviceCode(state, out, m);
                how = "device-code";
            }
        } catch (RuntimeException e) {
            Problem p = Problem.of(e);
            throw new CliException(p.exitCode(), p.message(), p.fix() + " " + kept(name), p.code());
        }
        // Only a profile that signed in becomes the one commands use without --profile.
        state.setDefault(name);

        ObjectNode json = Output.object();
        json.put("profile", name);
        json.put("mailbox", address);
        json.put("mode", how);
        json.put("transport", transport.name());
        json.put("signedInAs", signedInAs);
        json.put("home", state.home().toString());
        out.json(json);
        out.line("Signed in as " + signedInAs + "; profile \"" + name + "\" saved for " + address
                + (transport.transport == Transport.GRAPH ? " (over Microsoft Graph)." : "."));
        return ExitCodes.OK;
    }

    /** A failed sign-in keeps what was entered, so that check can show each step. */
    private static String kept(String name) {
        return "The profile \"" + name + "\" was saved as entered but is not signed in: mailbridge check --profile "
                + name + " shows each step; log in again to replace it, or mailbridge logout --profile " + name
                + " to remove it.";
    }

    private SignInMode signInMode() {
        if (mode != null && mode.appOnly) {
            return SignInMode.OAUTH_APP_ONLY;
        }
        if (mode != null && mode.basic) {
            return impersonate ? SignInMode.BASIC_IMPERSONATED : SignInMode.BASIC;
        }
        return SignInMode.OAUTH_DELEGATED;
    }

    private boolean useBrowser() {
        if (mode != null && mode.browser) {
            return true;
        }
        if (mode != null && mode.deviceCode) {
            return false;
        }
        return !noOpen && BrowserSignIn.desktopBrowser();
    }

    private String mailboxAddress(SignInMode signIn) {
        if (mailbox != null && !mailbox.isBlank()) {
            return mailbox.strip();
        }
        if (!signIn.oauth() && signIn != SignInMode.BASIC_IMPERSONATED && user != null && user.contains("@")) {
            return user.strip();
        }
        throw new CliException(
                ExitCodes.USAGE,
                "Which mailbox? --mailbox is missing.",
                "Add --mailbox name@example.com (the mailbox's email address).");
    }

    private ConnectionSettings settings(String name, SignInMode signIn, CliState state) {
        boolean graph = transport.transport == Transport.GRAPH;
        if (graph && !signIn.oauth()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "Microsoft Graph accepts only OAuth: --basic works over EWS only.",
                    "Use --device-code, --browser or --app-only with --transport graph, or --transport ews for Basic"
                            + " sign-in to Exchange Server.");
        }
        if (!graph && graphUrl != null && !graphUrl.isBlank()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--graph-url is for a Microsoft Graph profile.",
                    "Add --transport graph, or leave out --graph-url.");
        }
        ConnectionSettings.Builder b = ConnectionSettings.builder(name, signIn)
                .transport(transport.transport)
                .cloud(cloud.cloud)
                .loginAuthority(authority)
                .graphUrl(graphUrl);
        if (ewsUrl != null && !ewsUrl.isBlank()) {
            b.ewsUrl(ewsUrl).approvedHosts(approvedHosts);
        } else if (!graph) {
            b.autodiscover(approvedHosts);
        }
        if (trustCa != null) {
            b.trustedCaPem(read(trustCa, "--trust-ca"));
        }
        CliEnvironment env = root.environment();
        if (signIn.oauth()) {
            if (clientId == null || clientId.isBlank()) {
                throw new CliException(
                        ExitCodes.USAGE,
                        "--client-id is missing.",
                        "Give the application (client) ID of your app registration in Entra ID (App registrations,"
                                + " Overview).");
            }
            b.clientId(clientId);
            if (signIn == SignInMode.OAUTH_APP_ONLY) {
                if (tenant == null || tenant.isBlank()) {
                    throw new CliException(
                            ExitCodes.USAGE,
                            "--tenant is missing: app-only sign-in needs the tenant.",
                            "Add --tenant with the directory (tenant) ID or its domain (contoso.onmicrosoft.com).");
                }
                b.tenantId(tenant);
                if (certificate != null) {
                    b.certificatePem(Secret.of(read(certificate, "--certificate")));
                } else {
                    b.clientSecret(Secret.of(secret(env)));
                }
            } else {
                b.tenantId(tenant == null || tenant.isBlank() ? "organizations" : tenant);
                if (withSecret || secretEnv != null) {
                    b.clientSecret(Secret.of(secret(env)));
                }
            }
        } else {
            String userName = user != null && !user.isBlank() ? user : mailbox;
            if (userName == null || userName.isBlank()) {
                throw new CliException(
                        ExitCodes.USAGE, "--user is missing.", "Add --user with the account's user name.");
            }
            b.username(userName);
            b.password(Secret.of(password(env)));
        }
        return b.build();
    }

    private String secret(CliEnvironment env) {
        String var = secretEnv == null ? SECRET_ENV : secretEnv;
        return env.variable(var)
                .or(() -> env.readSecret("Client secret: "))
                .orElseThrow(() -> new CliException(
                        ExitCodes.USAGE,
                        "No client secret: " + var + " is not set and none was typed.",
                        "Set " + var + ", or pipe the secret in on standard input, or use --certificate."));
    }

    private String password(CliEnvironment env) {
        String var = passwordEnv == null ? PASSWORD_ENV : passwordEnv;
        return env.variable(var)
                .or(() -> env.readSecret("Password: "))
                .orElseThrow(() -> new CliException(
                        ExitCodes.USAGE,
                        "No password: " + var + " is not set and none was typed.",
                        "Set " + var + ", or pipe the password in on standard input."));
    }

    private static String read(Path file, String option) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ").",
                    "Check the path and that the file is readable.");
        }
    }

    /** Shows the code, then waits for core's background sign-in to end one way or the other. */
    private String deviceCode(CliState state, Output out, Mailbox m) throws InterruptedException {
        Instant started = state.clock().instant();
        Authorizations.DeviceCodeStart code = state.services().authorizations().startDeviceCode(m.id(), CliState.ACTOR);
        ObjectNode json = Output.object();
        json.put("event", "device-code");
        json.put("userCode", code.userCode());
        json.put("verificationUri", code.verificationUri().toString());
        json.put("message", code.message());
        json.put("expiresAt", code.expiresAt().toString());
        out.json(json);
        out.note(code.message());
        out.note("Waiting for the sign-in (until " + code.expiresAt() + "; Ctrl-C stops) ...");
        while (state.clock().instant().isBefore(code.expiresAt().plusSeconds(5))) {
            Mailbox now = state.stores().mailboxes().get(m.id()).orElseThrow();
            if (now.status() == MailboxStatus.AUTHORIZED) {
                return now.signedInAs().orElse(m.address());
            }
            Optional<HistoryEvent> failed = state.stores().history().ofMailbox(m.id(), 5).stream()
                    .filter(e -> e.kind() == HistoryEvent.Kind.AUTHORIZATION_FAILED && !e.at().isBefore(started))
                    .findFirst();
            if (failed.isPresent()) {
                HistoryEvent e = failed.get();
                throw new CliException(
                        ExitCodes.AUTH,
                        e.message(),
                        e.detail().map(d -> d.replaceFirst("^What to do: ", "")).orElse("Run mailbridge login again."),
                        e.code());
            }
            Thread.sleep(250);
        }
        throw new CliException(
                ExitCodes.AUTH,
                "The code expired before the sign-in was finished.",
                "Run mailbridge login again and enter the code at " + code.verificationUri() + " in time.");
    }
}
