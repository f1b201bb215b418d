package dev.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every sign-in mode of {@code mailbridge login}, {@code check}, profiles and logout, against the emulator. */
class CliSignInTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String TENANT = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String PUBLIC_APP = "c0a7c0a7-0000-4000-8000-0000000000b2";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_PASSWORD = "Adele-Passw0rd!";
    static final String NANCY = "nancy.davolio@northwind.local";

    @TempDir
    Path home;

    Emulator emulator;
    Cli cli;

    @BeforeEach
    void setUp() {
        emulator = EMULATOR.emulator();
        cli = new Cli(home);
    }

    /** The options every login against the emulator needs: its sign-in host, EWS URL and CA. */
    static List<String> emulatorOptions(Emulator emulator) {
        return List.of(
                "--authority",
                emulator.loginUrl().toString(),
                "--ews-url",
                emulator.loginUrl() + "/EWS/Exchange.asmx",
                "--trust-ca",
                emulator.caCertificate().toString());
    }

    String[] login(String... args) {
        List<String> all = new ArrayList<>(List.of("login"));
        all.addAll(List.of(args));
        all.addAll(emulatorOptions(emulator));
        return all.toArray(String[]::new);
    }

    /** Reads the code the login printed and signs Adele in with it at the emulator's device login page. */
    JsonNode signInAtTheDeviceCodePage(Cli.Running login) throws Exception {
        JsonNode code = login.awaitJson("event", "device-code", Duration.ofSeconds(30));
        new SignInBrowser(emulator.sslContext())
                .enterDeviceCode(
                        URI.create(code.path("verificationUri").asText()),
                        code.path("userCode").asText(),
                        Person.of(ADELE, ADELE_PASSWORD));
        return code;
    }

    @Test
    void deviceCodeLoginShowsTheCodeWaitsAndSavesTheProfile() throws Exception {
        Cli.Running login = cli.start(
                login("--device-code", "--json", "--mailbox", ADELE, "--tenant", TENANT, "--client-id", PUBLIC_APP));
        JsonNode code = signInAtTheDeviceCodePage(login);
        assertThat(code.path("message").asText()).contains(code.path("userCode").asText());

        Cli.Result done = login.finish(Duration.ofSeconds(60));
        assertThat(done.exit()).as(done.toString()).isZero();
        JsonNode saved = done.jsonLines().get(1);
        assertThat(saved.path("signedInAs").asText()).isEqualTo(ADELE);
        assertThat(saved.path("mode").asText()).isEqualTo("device-code");

        Cli.Result check = cli.run("check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("[ok]   Sign-in", "[ok]   Send permission", "Connection OK");
        // `test` is the same command inside the CLI.
        assertThat(cli.run("test", "--json").json().path("passed").asBoolean()).isTrue();

        // The master key that seals the refresh token is the owner's alone.
        assertThat(Files.getPosixFilePermissions(home.resolve("master.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void deviceCodeLoginOverGraphSignsInForGraphsScopes() throws Exception {
        List<String> args = new ArrayList<>(List.of(login(
                "--device-code",
                "--json",
                "--transport",
                "graph",
                "--mailbox",
                ADELE,
                "--tenant",
                TENANT,
                "--client-id",
                PUBLIC_APP)));
        args.addAll(List.of(
                "--graph-url",
                emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString()));
        Cli.Running login = cli.start(args.toArray(String[]::new));
        signInAtTheDeviceCodePage(login);
        Cli.Result done = login.finish(Duration.ofSeconds(60));
        assertThat(done.exit()).as(done.toString()).isZero();

        Cli.Result check = cli.run("check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out())
                .contains("[ok]   Graph host", "over Microsoft Graph", "[ok]   Send permission", "Connection OK");
    }

    @Test
    void browserLoginTakesMicrosoftsRedirectOnALoopbackPort() throws Exception {
        Cli.Running login = cli.start(login(
                "--browser", "--no-open", "--json", "--mailbox", ADELE, "--tenant", TENANT, "--client-id", PUBLIC_APP));
        JsonNode started = login.awaitJson("event", "browser", Duration.ofSeconds(30));
        String redirect = started.path("redirectUri").asText();
        assertThat(redirect).matches("http://localhost:\\d+");

        // The person at the browser: the emulator's sign-in pages, then the redirect to the CLI's port.
        Map<String, String> callback = new SignInBrowser(emulator.sslContext())
                .signIn(
                        URI.create(started.path("authorizationUrl").asText()),
                        redirect,
                        Person.of(ADELE, ADELE_PASSWORD))
                .params();
        String query = callback.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(redirect + "/?" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as " + ADELE);

        Cli.Result done = login.finish(Duration.ofSeconds(30));
        assertThat(done.exit()).as(done.toString()).isZero();
        assertThat(done.jsonLines().get(1).path("mode").asText()).isEqualTo("browser");
        assertThat(cli.run("check").exit()).isZero();
    }

    @Test
    void appOnlyLoginReadsTheSecretFromTheEnvironmentOrStandardInputAndAWrongOneIsExplained() throws Exception {
        cli.env.put(LoginCommand.SECRET_ENV, WEB_SECRET);
        Cli.Result ok = cli.run(login("--app-only", "--mailbox", ADELE, "--tenant", TENANT, "--client-id", WEB_APP));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("Signed in as app " + WEB_APP, "profile \"default\"");
        assertThat(cli.run("check").exit()).isZero();
        cli.env.remove(LoginCommand.SECRET_ENV);
        // Sealed at rest: the database file never holds the secret in the clear.
        assertThat(new String(Files.readAllBytes(home.resolve("mailbridge.mv.db")), StandardCharsets.ISO_8859_1))
                .doesNotContain(WEB_SECRET)
                .doesNotContain(WEB_SECRET.substring(8));

        // The secret piped in on standard input (never on the command line); a wrong one.
        String[] wrong = login(
                "--profile", "wrong", "--app-only", "--mailbox", ADELE, "--tenant", TENANT, "--client-id", WEB_APP);
        Cli.Result refused = cli.runWithInput("Mbr8Q~not.the.right.secret\n", wrong);
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(refused.err()).contains("AADSTS7000215", "What to do:").doesNotContain("not.the.right.secret");
        assertThat(refused.err()).doesNotContain("Exception", "\tat ");
        assertThat(refused.err()).contains("mailbridge check --profile wrong");

        Cli.Result check = cli.run("check", "--profile", "wrong");
        assertThat(check.exit()).as(check.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(check.out()).contains("[FAIL] Sign-in: AADSTS7000215", "What to do:", "[skip] Mailbox access");
        JsonNode json = cli.run("check", "--profile", "wrong", "--json").json();
        assertThat(json.path("passed").asBoolean()).isFalse();
        assertThat(json.path("exitCode").asInt()).isEqualTo(ExitCodes.AUTH);

        // Two profiles, both listed; the one that signed in stays the default.
        JsonNode profiles = cli.run("profiles", "--json").json();
        assertThat(profiles).hasSize(2);
        assertThat(profiles.findValuesAsText("profile")).containsExactly("default", "wrong");
        assertThat(profiles.get(0).path("default").asBoolean()).isTrue();
        assertThat(profiles.get(1).path("default").asBoolean()).isFalse();
        assertThat(profiles.get(1).path("mode").asText()).isEqualTo("OAUTH_APP_ONLY");
        assertThat(profiles.get(1).path("status").asText()).isNotEqualTo("AUTHORIZED");
        assertThat(cli.run("check").exit()).isZero();

        Cli.Result logout = cli.run("logout", "--profile", "wrong");
        assertThat(logout.exit()).isZero();
        assertThat(cli.run("profiles", "--json").json().findValuesAsText("profile"))
                .containsExactly("default");
        Cli.Result unknown = cli.run("check", "--profile", "wrong");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no profile called \"wrong\"", "mailbridge profiles");
    }

    @Test
    void appOnlyLoginWithACertificate() throws Exception {
        JsonNode app = emulator.describe().path("tenants").get(0).path("apps").get(0);
        assertThat(app.path("clientId").asText()).isEqualTo(WEB_APP);
        JsonNode cert = app.path("certificates").get(0);
        Path pem = home.resolveSibling(home.getFileName() + "-app.pem");
        Files.writeString(
                pem,
                Files.readString(Path.of(cert.path("privateKeyPem").asText()))
                        + Files.readString(Path.of(cert.path("certificatePem").asText())));
        Cli.Result ok = cli.run(login(
                "--app-only",
                "--mailbox",
                ADELE,
                "--tenant",
                TENANT,
                "--client-id",
                WEB_APP,
                "--certificate",
                pem.toString()));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(cli.run("check", "--json").json().path("passed").asBoolean()).isTrue();
        Files.delete(pem);
    }

    @Test
    void basicLoginOnExchangeServerTakesThePasswordFromStandardInput() throws Exception {
        Cli.Result ok = cli.runWithInput("Nancy-Passw0rd!\n", login("--basic", "--mailbox", NANCY));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("Signed in as " + NANCY);
        assertThat(cli.run("check").out()).contains("[ok]   Mailbox access");

        cli.env.put(LoginCommand.PASSWORD_ENV, "wrong-password");
        Cli.Result wrong = cli.run(login("--basic", "--mailbox", NANCY, "--profile", "typo"));
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(wrong.out()).contains("[FAIL] Mailbox access", "What to do:");
    }

    @Test
    void badInputSaysWhatToFixWithExitCode1() {
        Cli.Result noProfile = cli.run("folders");
        assertThat(noProfile.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noProfile.err()).contains("No mailbox is signed in yet", "mailbridge login");

        Cli.Result noClient = cli.run(login("--device-code", "--mailbox", ADELE));
        assertThat(noClient.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noClient.err()).contains("--client-id is missing", "App registrations");

        Cli.Result badOption = cli.run("fetch", "--out", "x", "--nope");
        assertThat(badOption.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badOption.err()).contains("Unknown option: '--nope'", "mailbridge fetch --help");

        Cli.Result json = cli.run("folders", "--json");
        assertThat(json.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(json.err()).contains("\"exitCode\":1", "\"fix\"");
    }

    @Test
    void completionScriptsForBashAndZsh() {
        Cli.Result bash = cli.run("completion", "bash");
        assertThat(bash.exit()).isZero();
        assertThat(bash.out()).contains("complete -F", "mailbridge", "login", "fetch", "--device-code", "--format");
        Cli.Result zsh = cli.run("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit", "complete -F");
        assertThat(cli.run("--help").out()).contains("Exit codes:", "130", "check", "watch");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
