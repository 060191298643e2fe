package app.shoebox.server.web;

import app.shoebox.server.ServerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static app.shoebox.server.ServerFixture.ADMIN_EMAIL;
import static app.shoebox.server.ServerFixture.ADMIN_KEY;
import static app.shoebox.server.ServerFixture.ADMIN_PASSWORD;
import static app.shoebox.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI as a user drives it, in a real headless Chromium against a real server with its
 * media pipeline: sign in, upload two photos and a video, see their thumbnails arrive, open one,
 * play the video, make an album, share it, trash and restore, pause a queue. Screenshots of each page go to
 * {@code target/screenshots}, or to the folder {@code -Dshoebox.screenshots=...} names (the
 * README's come from {@code -Dshoebox.screenshots=../docs/screenshots}).
 */
class WebUiBrowserTest {

    static ServerFixture server;
    static Browser browser;
    static Path shots;
    static Path media;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start("web_ui", cfg -> cfg.withInProcessJobs(true));
        browser = Browser.start(1280, 860);
        shots = Path.of(System.getProperty("shoebox.screenshots", "target/screenshots")).toAbsolutePath();
        media = Files.createTempDirectory(server.library(), "media-");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private String url(String hash) {
        return server.uri("/" + hash).toString();
    }

    private void shot(String name) {
        browser.js("document.querySelector('.toasts')?.replaceChildren()");
        browser.colourScheme("light");
        pause(250);
        browser.screenshot(shots.resolve(name + ".png"));
        browser.colourScheme("dark");
        pause(250);
        browser.screenshot(shots.resolve(name + "-dark.png"));
        browser.colourScheme("light");
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aUsersDay() throws Exception {
        Path lake = TestMedia.photo(media, "lake.jpg", 7, "Canon", "Canon EOS R6", "RF24-105mm F4 L IS USM",
                "2023:07:14 18:30:00", "+02:00");
        Path hills = TestMedia.photo(media, "hills.jpg", 11, "FUJIFILM", "X-T4", "XF35mmF1.4 R", "2023:07:15 09:05:00", "+02:00");
        Path clip = TestMedia.clip(media, "clip.mp4");

        // Sign in.
        browser.open(url(""));
        browser.element("form input[name=email]");
        shot("login");
        browser.element("input[name=email]").sendKeys(ADMIN_EMAIL);
        browser.element("input[name=password]").sendKeys(ADMIN_PASSWORD, Keys.ENTER);
        browser.await("the timeline", d -> d.findElement(By.cssSelector("main h1")).getText().equals("Photos") ? true : null);
        browser.js("window.__notReloaded = true");

        // Upload two photos and a video through the page; they appear with their thumbnails.
        browser.driver.findElement(By.id("upload-files")).sendKeys(lake + "\n" + hills + "\n" + clip);
        browser.await("three uploads", d -> browser.all(".uploads li[data-state=created]").size() == 3 ? true : null);
        browser.await("three thumbnails", d -> browser.all(".tile[data-id] img.loaded").size() == 3 ? true : null);
        assertThat(browser.js("return window.__notReloaded === true")).as("thumbnails arrived without a reload").isEqualTo(true);
        shot("upload");

        // The same photo dropped again is reported as a duplicate, by name.
        browser.js("""
                const bytes = await (await fetch(arguments[0])).arrayBuffer();
                const dt = new DataTransfer();
                dt.items.add(new File([bytes], 'lake-again.jpg', { type: 'image/jpeg' }));
                window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                """.replace("await (await fetch(arguments[0])).arrayBuffer()", "Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0))"),
                java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(lake)));
        browser.await("the duplicate reported", d -> browser.all(".uploads li[data-file='lake-again.jpg'][data-state=duplicate]").size() == 1 ? true : null);
        browser.click(".uploads .head button");
        shot("timeline");

        // Open the lake photo: its camera and its date with the offset.
        String lakeId = assetId("lake.jpg");
        browser.click(".tile[data-id='" + lakeId + "']");
        WebElement camera = browser.element(".viewer .info [data-field=camera] dd");
        assertThat(camera.getText()).isEqualTo("Canon EOS R6");
        String date = browser.element(".viewer .info [data-field=date] dd").getText();
        assertThat(date).contains("Jul 14, 2023").containsAnyOf("18:30", "6:30 PM").contains("UTC+02:00");
        assertThat(browser.element(".viewer .info [data-field=lens] dd").getText()).contains("RF24-105mm");
        assertThat(browser.element(".viewer .info [data-field=file] dd").getText()).isEqualTo("lake.jpg");
        browser.await("the preview", d -> Boolean.TRUE.equals(browser.js(
                "const i = document.querySelector('.viewer .stage img'); return i && i.complete && i.naturalWidth > 0")) ? true : null);
        shot("viewer");

        // Move to the video with the arrow keys and play it, seeking within it.
        String clipId = assetId("clip.mp4");
        for (int i = 0; i < 3 && browser.all(".viewer video").isEmpty(); i++) {
            browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
            pause(600);
        }
        for (int i = 0; i < 3 && browser.all(".viewer video").isEmpty(); i++) {
            browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_LEFT);
            pause(600);
        }
        WebElement video = browser.element(".viewer video");
        assertThat(video.getAttribute("src")).endsWith("/api/assets/" + clipId + "/video/playback");
        browser.js("const v = arguments[0]; v.muted = true; v.play();", video);
        browser.await("the video playing", d -> ((Number) browser.js("return arguments[0].currentTime", video)).doubleValue() > 0.3 ? true : null);
        browser.js("arguments[0].currentTime = 2.5", video);
        browser.await("the seek", d -> ((Number) browser.js("return arguments[0].currentTime", video)).doubleValue() >= 2.4 ? true : null);
        browser.driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        browser.await("the viewer closed", d -> browser.all(".viewer").isEmpty() ? true : null);

        // Select the lake photo and add it to a new album.
        browser.hoverClick(".tile[data-id='" + lakeId + "']", ".check");
        browser.element(".selbar .count");
        shot("selection");
        browser.click(".selbar button[aria-label='Add to album']");
        browser.element(".dialog input[name=albumName]").sendKeys("Summer 2023", Keys.ENTER);
        browser.await("the album", d -> albumCount("Summer 2023") == 1 ? true : null);
        browser.open(url("#/albums"));
        browser.element(".card .cover img");
        browser.await("the album cover", d -> Boolean.TRUE.equals(browser.js(
                "const i = document.querySelector('.card .cover img'); return i && i.complete && i.naturalWidth > 0")) ? true : null);
        shot("albums");
        browser.click(".card");
        browser.await("the album's photo", d -> browser.all(".tile[data-id='" + lakeId + "'] img.loaded").size() == 1 ? true : null);
        shot("album");

        // Trash it from Photos, find it in the trash, restore it.
        browser.open(url("#/photos"));
        browser.hoverClick(".tile[data-id='" + lakeId + "']", ".check");
        browser.click(".selbar button[aria-label='Trash']");
        browser.await("the tile gone", d -> browser.all(".tile[data-id='" + lakeId + "']").isEmpty() ? true : null);
        assertThat(status(lakeId)).isEqualTo(true);
        browser.open(url("#/trash"));
        browser.hoverClick(".tile[data-id='" + lakeId + "']", ".check");
        shot("trash");
        browser.click(".selbar button[aria-label='Restore']");
        browser.await("the tile restored", d -> browser.all(".tile[data-id='" + lakeId + "']").isEmpty() ? true : null);
        assertThat(status(lakeId)).isEqualTo(false);
        browser.open(url("#/photos"));
        browser.element(".tile[data-id='" + lakeId + "']");

        // Pause the thumbnail queue on the jobs page; the API says so.
        browser.open(url("#/jobs"));
        browser.click(".queue[data-queue=thumbnailGeneration] button[data-action=pause]");
        browser.await("the pause", d -> queuePaused("thumbnailGeneration") ? true : null);
        browser.element(".queue[data-queue=thumbnailGeneration] button[data-action=resume]");
        server.putJson("/api/queues/metadataExtraction/pause-lease", ADMIN_KEY, java.util.Map.of("holder", "shoebox-upload@laptop", "ttlSeconds", 600));
        browser.await("the lease shown", d -> browser.all(".queue[data-queue=metadataExtraction] .leases").size() == 1 ? true : null);
        assertThat(browser.element(".queue[data-queue=metadataExtraction] .leases").getText()).contains("shoebox-upload@laptop").contains("until");
        shot("jobs");
        browser.click(".queue[data-queue=thumbnailGeneration] button[data-action=resume]");
        browser.await("the resume", d -> !queuePaused("thumbnailGeneration") ? true : null);

        // Admin: add a user.
        browser.open(url("#/admin/users"));
        browser.element("form input[name=email]").sendKeys("ann@example.com");
        browser.element("form input[name=name]").sendKeys("Ann");
        browser.element("form input[name=password]").sendKeys("ann's long password", Keys.ENTER);
        browser.element("tr[data-user='ann@example.com']");
        shot("admin-users");

        // Share the album with Ann as a viewer, then make her an editor; the albums page shows it shared.
        String albumId = albumId("Summer 2023");
        browser.open(url("#/albums/" + albumId));
        browser.click(".page-head button[aria-label='Share']");
        browser.element(".dialog li[data-member='" + ADMIN_EMAIL + "']");
        browser.js("""
                const who = document.querySelector('.dialog select[name=userId]');
                who.value = [...who.options].find(o => o.text.includes('ann@example.com')).value;
                document.querySelector('.dialog select[name=role]').value = 'viewer';""");
        browser.click(".dialog button[type=submit]");
        browser.await("Ann in the list", d -> browser.all(".dialog li[data-member='ann@example.com']").size() == 1 ? true : null);
        assertThat(role(albumId, "ann@example.com")).isEqualTo("viewer");
        shot("album-share");
        browser.js("""
                const role = document.querySelector(".dialog select[data-role='ann@example.com']");
                role.value = 'editor';
                role.dispatchEvent(new Event('change'));""");
        browser.await("Ann an editor", d -> "editor".equals(role(albumId, "ann@example.com")) ? true : null);
        browser.click(".dialog .actions button:first-child");
        browser.await("the dialog closed", d -> browser.all(".dialog").isEmpty() ? true : null);
        assertThat(browser.element(".page-head .sharing").getText()).isEqualTo("Shared with Ann");
        browser.open(url("#/albums"));
        assertThat(browser.element(".card[data-album='" + albumId + "'] .sub.shared").getText()).isEqualTo("Shared with Ann");

        // A phone-sized screen.
        browser.resize(390, 844);
        browser.open(url("#/photos"));
        browser.await("three thumbnails on the phone", d -> browser.all(".tile[data-id] img.loaded").size() == 3 ? true : null);
        pause(300);
        browser.js("document.querySelector('.toasts')?.replaceChildren()");
        browser.screenshot(shots.resolve("phone-timeline.png"));
        browser.click(".tile[data-id='" + assetId("hills.jpg") + "']");
        browser.click(".viewer button[aria-label='Details (i)']");
        browser.element(".viewer .info [data-field=camera] dd");
        browser.await("the preview on the phone", d -> Boolean.TRUE.equals(browser.js(
                "const i = document.querySelector('.viewer .stage img'); return i && i.complete && i.naturalWidth > 0")) ? true : null);
        browser.screenshot(shots.resolve("phone-viewer.png"));
        browser.resize(1280, 860);

        List<String> errors = browser.log().stream().filter(l -> l.contains("SEVERE")).filter(l -> !l.contains("favicon"))
                .filter(l -> !l.contains("/api/users/me - Failed to load resource: the server responded with a status of 401")).toList();
        assertThat(errors).as("errors in the browser console").isEmpty();
    }

    private static String assetId(String fileName) {
        JsonNode found = json(server.postJson("/api/search/metadata", ADMIN_KEY, java.util.Map.of("originalFileName", fileName)));
        return found.get("assets").get("items").get(0).get("id").asText();
    }

    private static boolean status(String id) {
        return json(server.get("/api/assets/" + id, ADMIN_KEY)).get("isTrashed").asBoolean();
    }

    private static int albumCount(String name) {
        for (JsonNode a : json(server.get("/api/albums", ADMIN_KEY))) {
            if (a.get("albumName").asText().equals(name)) {
                return a.get("assetCount").asInt();
            }
        }
        return -1;
    }

    private static String albumId(String name) {
        for (JsonNode a : json(server.get("/api/albums", ADMIN_KEY))) {
            if (a.get("albumName").asText().equals(name)) {
                return a.get("id").asText();
            }
        }
        throw new AssertionError("no album " + name);
    }

    /** The role of the member with that e-mail in the album, or null. */
    private static String role(String albumId, String email) {
        for (JsonNode u : json(server.get("/api/albums/" + albumId + "?withoutAssets=true", ADMIN_KEY)).get("albumUsers")) {
            if (u.at("/user/email").asText().equals(email)) {
                return u.get("role").asText();
            }
        }
        return null;
    }

    private static boolean queuePaused(String name) {
        for (JsonNode q : json(server.get("/api/queues", ADMIN_KEY))) {
            if (q.get("name").asText().equals(name)) {
                return q.get("isPaused").asBoolean();
            }
        }
        throw new AssertionError("no queue " + name);
    }
}
