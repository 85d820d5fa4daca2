package io.sharedmemory.console.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for every browser test of this JVM — Debian's {@code /usr/bin/chromium} driven by its
 * {@code /usr/bin/chromedriver}, both named explicitly so that Selenium Manager downloads nothing — in a laptop-sized
 * window (1366 × 768). Every wait is for a condition in the page, with a deadline; none is a fixed sleep.
 */
final class Browser {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final int WIDTH = 1366;
    static final int HEIGHT = 768;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Browser instance;

    final ChromeDriver driver;
    final ConsoleServer server;
    private final WebDriverWait wait;

    static synchronized Browser get() throws Exception {
        if (instance == null) {
            instance = new Browser(ConsoleServer.get());
            Runtime.getRuntime().addShutdownHook(new Thread(instance.driver::quit));
        }
        return instance;
    }

    private Browser(ConsoleServer server) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver (.ci/run does)");
        }
        this.server = server;
        Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--disable-extensions", "--user-data-dir=" + profile,
                "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        // a view re-renders what it shows (the chart's totals every 2 s, a list after a change): a condition that
        // caught an element being replaced is asked again
        this.wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        // --window-size is the window's; the page's viewport is what a laptop shows of a page: make it 1366 x 768
        Dimension outer = driver.manage().window().getSize();
        long innerWidth = (Long) js("return window.innerWidth");
        long innerHeight = (Long) js("return window.innerHeight");
        driver.manage().window().setSize(new Dimension(WIDTH + outer.getWidth() - (int) innerWidth,
                HEIGHT + outer.getHeight() - (int) innerHeight));
    }

    /** Opens the console at a view ({@code #/namespaces}, ...) and waits until its module has run. */
    void open(String hash) {
        open(server, hash);
    }

    /** Opens another server's console at a view (afresh when there already); waits until its module has run. */
    void open(ConsoleServer at, String hash) {
        String url = at.console + hash;
        if (url.equals(driver.getCurrentUrl())) {
            driver.navigate().refresh(); // the same address again would not even render the view again
        } else {
            driver.get(url);
        }
        awaitVisible(By.cssSelector("#signin-form, header.top:not([hidden])"));
    }

    /** Signs in through the form as the agent (after forgetting any session of this tab). */
    void signIn(String agent) {
        signIn(server, agent);
    }

    /** Signs in to another server's console (its own origin, so its own session) as the agent. */
    void signIn(ConsoleServer at, String agent) {
        driver.get(at.console);
        js("sessionStorage.clear()");
        driver.navigate().refresh();
        type(By.id("agent"), agent);
        type(By.id("secret"), ConsoleServer.secret(agent));
        find(By.id("secret")).sendKeys(Keys.ENTER);
        awaitText(By.id("who-agent"), agent);
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    void type(By by, String text) {
        WebElement e = awaitVisible(by);
        e.clear();
        e.sendKeys(text);
    }

    void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    WebElement awaitVisible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void awaitText(By by, String text) {
        wait.withMessage(() -> "\"" + text + "\" in " + by + ", found: " + texts(by))
                .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    <T> T until(Function<WebDriver, T> condition, String what) {
        return wait.withMessage(what).until(condition);
    }

    <T> T until(Function<WebDriver, T> condition, String what, Duration timeout) {
        return new WebDriverWait(driver, timeout).ignoring(StaleElementReferenceException.class).withMessage(what)
                .until(condition);
    }

    List<String> texts(By by) {
        List<String> out = new ArrayList<>();
        for (WebElement e : driver.findElements(by)) {
            out.add(e.getText());
        }
        return out;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Presses a key with the focus where it is (on the page's active element). */
    void press(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** Selects everything in the focused field (Ctrl+A) and types over it. */
    void replaceTyping(CharSequence text) {
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys(text).perform();
    }

    WebElement active() {
        return driver.switchTo().activeElement();
    }

    /** Presses Tab until the focused element satisfies the test (at most max times); fails otherwise. */
    WebElement tabTo(java.util.function.Predicate<WebElement> test, int max, String what) {
        for (int i = 0; i < max; i++) {
            press(Keys.TAB);
            WebElement a = active();
            if (test.test(a)) {
                return a;
            }
        }
        throw new AssertionError(what + " not reached with " + max + " presses of Tab");
    }

    /** Whether the page fits the window's width (no horizontal scrolling). */
    boolean fitsWidth() {
        return (Boolean) js("return document.documentElement.scrollWidth <= window.innerWidth");
    }

    /**
     * A screenshot into {@code target/screenshots/<name>.png}; with {@code -Dconsole.screenshots.update=true}, also
     * into {@code docs/console/}, where the README shows them.
     */
    void screenshot(String name) throws IOException {
        js("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Path dir = Files.createDirectories(Path.of(System.getProperty("screenshots.dir", "target/screenshots")));
        Path file = dir.resolve(name + ".png");
        Files.write(file, png);
        if (Boolean.getBoolean("console.screenshots.update")) {
            Path docs = Files.createDirectories(Path.of(System.getProperty("docs.dir", "../docs/console")));
            Files.copy(file, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The browser console's errors since the last call: uncaught exceptions, failed module loads, Content Security
     * Policy violations. The log lines Chromium writes for every 4xx answer the tests provoke on purpose are left out.
     */
    List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !e.getMessage().contains("Failed to load resource: the server responded with a status of 4")) {
                out.add(e.getMessage());
            }
        }
        return out;
    }
}
