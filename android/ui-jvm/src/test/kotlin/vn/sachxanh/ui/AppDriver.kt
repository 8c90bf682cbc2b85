package vn.sachxanh.ui

import androidx.compose.ui.geometry.Size
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasScrollToIndexAction
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runSkikoComposeUiTest
import androidx.compose.ui.unit.Density
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import vn.sachxanh.app.ui.AppServices
import vn.sachxanh.app.ui.Navigator
import vn.sachxanh.app.ui.SachxanhApp
import vn.sachxanh.core.DeviceSettings
import vn.sachxanh.core.Network
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.core.catalog
import vn.sachxanh.state.MemoryTokenStore
import vn.sachxanh.state.SyncController
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock

/** The core's words for a field of a kind, as the form shows them (its label). */
fun fieldLabel(kind: RecordKind, path: String, english: Boolean = false): String =
    catalog().kinds.single { it.kind == kind }.fields.single { it.path == path }.label.let { if (english) it.en else it.vi }

fun kindLabel(kind: RecordKind): String = catalog().kinds.single { it.kind == kind }.label.vi

fun statusLabel(code: String): String = catalog().reviewStatuses.single { it.code == code }.label.vi

/** The app's own Vietnamese words (res/values/strings.xml). */
fun vi(key: String, vararg args: Any): String = ResourceStrings.vi.get(key, args)

/**
 * One phone running the whole app — the real navigation, screens, state holders and core — on
 * its own store, against [url]. What only a phone has comes from [devices].
 */
class PhoneApp(val name: String, url: String, dir: Path = Files.createTempDirectory("sachxanh-ui-phone")) : AutoCloseable {
    val core: Sachxanh = Sachxanh.open(dir.resolve("$name.db").toString(), DeviceSettings(url, null))
    val tokens = MemoryTokenStore()
    val devices = TestDevices()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val sync = SyncController(core, Clock.systemDefaultZone(), scope, Dispatchers.IO).also { it.onNetworkChanged(Network.UNMETERED) }
    val services = AppServices(core, tokens, sync, Clock.systemDefaultZone(), Dispatchers.IO, scope, Dispatchers.Default)
    val nav = Navigator(services)

    override fun close() {
        nav.close()
        scope.cancel()
        core.close()
    }
}

/**
 * Drives a [PhoneApp] as a person does, by what the screen says: finds text, taps, types. The
 * window is a tall phone (400×1400 dp) so that most of a screen is in view; lists and forms are
 * scrolled to what is tapped.
 */
@OptIn(ExperimentalTestApi::class)
class Driver(private val t: SkikoComposeUiTest, val app: PhoneApp) {
    fun waitFor(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) {
        try {
            t.waitUntil(timeoutMillis = timeoutMs) { t.onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty() }
        } catch (e: Throwable) {
            throw AssertionError("«$text» never appeared; the screen shows: ${screenText()}; its state: ${topState()}", e)
        }
    }

    /** Waits for an icon or picture by what it says to a screen reader. */
    fun waitForIcon(description: String, timeoutMs: Long = 30_000) {
        try {
            t.waitUntil(timeoutMillis = timeoutMs) { t.onAllNodes(hasContentDescription(description)).fetchSemanticsNodes().isNotEmpty() }
        } catch (e: Throwable) {
            throw AssertionError("no «$description» appeared; the screen shows: ${screenText()}", e)
        }
    }

    fun waitGone(text: String, substring: Boolean = false, timeoutMs: Long = 30_000) {
        t.waitUntil(timeoutMillis = timeoutMs) { t.onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isEmpty() }
    }

    fun sees(text: String, substring: Boolean = false): Boolean =
        t.onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty()

    private fun topState(): String = when (val h = app.nav.top.holder) {
        is vn.sachxanh.state.RecordFormViewModel -> h.state.value.let { s ->
            if (s is vn.sachxanh.state.RecordFormUiState.Editing) {
                "general=${s.general} canSave=${s.canSave} saving=${s.saving} problems=" + s.fields.filter { it.problems.isNotEmpty() }.map { it.path to it.problems }
            } else {
                s.toString()
            }
        }
        else -> h.toString()
    }.take(2000)

    /** Every text on the screen, for failure messages. */
    fun screenText(): String = t.onAllNodes(SemanticsMatcher("any text") { it.config.contains(androidx.compose.ui.semantics.SemanticsProperties.Text) })
        .fetchSemanticsNodes().joinToString(" | ") { n -> n.config[androidx.compose.ui.semantics.SemanticsProperties.Text].joinToString(" ") }

    private fun reach(matcher: SemanticsMatcher, index: Int = 0): SemanticsNodeInteraction {
        t.waitUntil(timeoutMillis = 30_000) { t.onAllNodes(matcher).fetchSemanticsNodes().size > index || lazyHas(matcher) }
        if (t.onAllNodes(matcher).fetchSemanticsNodes().size <= index) {
            t.onNode(hasScrollToIndexAction()).performScrollToNode(matcher)
        }
        val node = t.onAllNodes(matcher)[index]
        // Lists and forms scroll to it; what is not in a scrolling container is already in view.
        runCatching { node.performScrollTo() }
        return node
    }

    private fun lazyHas(matcher: SemanticsMatcher): Boolean = runCatching {
        t.onNode(hasScrollToIndexAction()).performScrollToNode(matcher)
        true
    }.getOrDefault(false)

    /** Taps the [index]th element saying [text] (a button, a line, a card). */
    fun tap(text: String, index: Int = 0, substring: Boolean = false) {
        reach(hasText(text, substring = substring) and hasClickAction(), index).performClick()
    }

    /** Taps an icon by what it says to a screen reader. */
    fun tapIcon(description: String) {
        reach(hasContentDescription(description) and hasClickAction()).performClick()
    }

    /** Types into the field labelled [label] (replacing what it held). */
    fun type(label: String, text: String) {
        val field = reach(hasSetTextAction() and hasText(label, substring = true))
        field.performTextClearance()
        field.performTextInput(text)
    }

    fun back() = tapIcon(vi("back"))
}

/** Runs the app of [app] on a tall phone and drives it with [block]. */
@OptIn(ExperimentalTestApi::class)
fun drive(app: PhoneApp, block: Driver.() -> Unit) {
    runSkikoComposeUiTest(Size(400f, 1400f), Density(1f, 1f)) {
        setContent { Phone(devices = app.devices) { SachxanhApp(app.nav, app.services) } }
        Driver(this, app).block()
    }
}

/** What staff do on the commune's dashboard, through its API: decide on a record. */
object Dashboard {
    private val http = HttpClient.newHttpClient()

    fun decide(url: String, token: String, recordId: String, decision: String, reason: String = "") {
        val detail = http.send(
            HttpRequest.newBuilder(URI.create("$url/api/v1/records/$recordId/detail")).header("Authorization", "Bearer $token").GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(detail.statusCode() == 200) { "detail of $recordId: ${detail.statusCode()} ${detail.body()}" }
        val heads = Regex("\"heads\"\\s*:\\s*\\[([^\\]]*)]").find(detail.body())?.groupValues?.get(1) ?: error("no heads in ${detail.body()}")
        val body = """{"decision":"$decision","reason":${quote(reason)},"heads":[$heads]}"""
        val done = http.send(
            HttpRequest.newBuilder(URI.create("$url/api/v1/records/$recordId/review"))
                .header("Authorization", "Bearer $token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(done.statusCode() in 200..299) { "review of $recordId: ${done.statusCode()} ${done.body()}" }
    }

    private fun quote(s: String) = "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
}
