package dev.mailbridge.server.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the browser tests (Debian's chromium and chromedriver). Certificate errors are
 * ignored only for the emulator's own TLS key (its SPKI hash), nothing else.
 */
final class Browser implements AutoCloseable {
    final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    Browser(URI emulatorBase, SSLContext emulatorTrust) {
        try {
            profile = Files.createTempDirectory("mailbridge-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + spkiHash(emulatorBase, emulatorTrust));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"))
                        .toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        // Every run writes its screenshots under target/; `-Dmailbridge.screenshots=docs` refreshes the
        // ones kept in docs/screenshots (so a normal test run leaves the working tree clean).
        Path cwd = Path.of("").toAbsolutePath();
        Path root = cwd.getFileName().toString().equals("server") ? cwd.getParent() : cwd;
        screenshots = "docs".equals(System.getProperty("mailbridge.screenshots"))
                ? root.resolve("docs").resolve("screenshots")
                : root.resolve("server").resolve("target").resolve("screenshots");
    }

    /** SHA-256 of the emulator's leaf certificate's public key, base64: Chromium's SPKI allow-list form. */
    private static String spkiHash(URI base, SSLContext trust) {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
            socket.startHandshake();
            Certificate leaf = socket.getSession().getPeerCertificates()[0];
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(leaf.getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(hash);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the emulator's certificate", e);
        }
    }

    void go(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    boolean has(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /**
     * Types into a field, finding it again if the page was replaced meanwhile (an answer that redirects
     * replaces the page twice, and {@link #submit} waits only for the first).
     */
    void type(String css, String text) {
        again(() -> {
            WebElement e = find(css);
            e.clear();
            e.sendKeys(text);
            return null;
        });
    }

    /** Runs a step on the page, up to three times while a redirect replaces the page under it. */
    private static <T> T again(Supplier<T> step) {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (WebDriverException e) {
                if (!replaced(e) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether an element went away because the page was replaced under it. Chromium reports that
     * either as a stale element or, when the node goes mid-command, as an inspector error that
     * Selenium passes on as an unknown error.
     */
    private static boolean replaced(WebDriverException e) {
        return e instanceof StaleElementReferenceException
                || String.valueOf(e.getMessage()).contains("does not belong to the document");
    }

    /** Sets a text field or textarea's value directly (long PEM texts; typing them is slow). */
    void set(String id, String value) {
        WebElement e = find("#" + id);
        driver.executeScript("arguments[0].value = arguments[1];", e, value);
    }

    void select(String css, String value) {
        new org.openqa.selenium.support.ui.Select(find(css)).selectByValue(value);
    }

    void click(String css) {
        find(css).click();
    }

    /**
     * Clicks a form's submit button and waits for the answer to replace the page. A form that answers
     * with the same URL (a failed sign-in comes back to /login) gives {@link #waitForUrl} nothing to
     * wait for, and a field found at once could belong to the page being replaced.
     */
    void submit(String css) {
        WebElement page = driver.findElement(By.tagName("html"));
        click(css);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.stalenessOf(page));
    }

    String text(String css) {
        return again(() -> find(css).getText());
    }

    String attribute(String css, String name) {
        return again(() -> find(css).getAttribute(name));
    }

    String page() {
        return driver.getPageSource();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    void waitForUrl(String fragment) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.urlContains(fragment));
    }

    /** Waits for the text, looking again whenever the page is replaced meanwhile (a redirect). */
    void waitForText(String css, String text) {
        AtomicReference<String> seen = new AtomicReference<>();
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "text '" + text + "' in " + css + "; last seen there: '" + seen.get() + "'")
                .until(d -> {
                    try {
                        seen.set(d.findElement(By.cssSelector(css)).getText());
                        return seen.get().contains(text);
                    } catch (WebDriverException e) {
                        if (replaced(e)) {
                            return false;
                        }
                        throw e;
                    }
                });
    }

    /** Scrolls so that the element is near the top of the window (for screenshots of a field). */
    void scrollTo(String css) {
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", find(css));
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Files.write(screenshots.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile; the OS cleans up eventually
        }
    }
}
