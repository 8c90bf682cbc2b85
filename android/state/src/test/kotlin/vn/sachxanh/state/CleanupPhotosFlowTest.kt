package vn.sachxanh.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.sachxanh.core.AnyRecord
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.core.SachxanhInterface
import java.io.File
import java.net.http.HttpResponse
import java.nio.file.Files
import java.security.MessageDigest
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

/**
 * The cleanup form's photos before and after: added from camera-sized files, a file that is not a
 * photo, the upload phase of sync on HomeScreen, the server holding the exact bytes, and another
 * phone of the hamlet getting a photo only when it is opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CleanupPhotosFlowTest {
    private val server = TestServer()
    private val files = Files.createTempDirectory("sachxanh-camera").toFile()
    private lateinit var h: Harness

    @BeforeEach
    fun open() {
        h = Harness(server)
    }

    @AfterEach
    fun closePhones() = h.close()

    @AfterAll
    fun stop() {
        server.close()
        files.deleteRecursively()
    }

    /** A 2000×1500 camera-like JPEG. */
    private fun cameraJpeg(name: String, seed: Int): File = cameraJpeg(files, name, seed)

    private fun sha256(bytes: ByteArray): String =
        MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    /** `GET /api/v1/photos/{sha}` as commune staff would (their dashboard). */
    private fun serverPhoto(sha: String, token: String): HttpResponse<ByteArray> = server.staffGet("/api/v1/photos/$sha", token)

    private fun attached(s: RecordFormUiState.Editing) = s.attachedPhotos()

    private val before = PhotoStage.BEFORE.name.lowercase()
    private val after = PhotoStage.AFTER.name.lowercase()

    private fun RecordFormUiState.Editing.photoProblem() = this["photos"]!!.problems.singleOrNull()

    private fun cleanupPhotos(phone: SachxanhInterface, id: String) = (phone.record(id).value as AnyRecord.Cleanup).v1.photos

    private fun cleanupForm(phone: SachxanhInterface, id: String? = null) =
        h.form(phone, RecordKind.CLEANUP, recordId = id, areaId = if (id == null) Areas.MY_HOA else null)

    /** Waits for what the core does in the background (forgetting a photo) to show on the phone. */
    private fun eventually(what: String, check: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!check()) {
            if (System.nanoTime() > deadline) throw AssertionError("timed out waiting for $what")
            Thread.sleep(20)
        }
    }

    /** Fills what a cleanup needs besides photos. */
    private fun RecordFormViewModel.fillIn() {
        onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 5f)
        onFlag("work.sweeping", true)
        onText("participants.womens_union", "12")
        onText("bags", "3")
    }

    @Test
    fun `photos before and after are prepared, saved with the cleanup, uploaded, and downloaded only when opened`() {
        val (phone, _) = h.enrolled("photographer", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff").enrol(server.staffCode()).token
        val vm = cleanupForm(phone)
        vm.editing()

        // A text file named like a photo: the core's words under the photo field, nothing added.
        val notAPhoto = File(files, "ghi-chu.jpg").apply { writeText("Danh sách người tham gia buổi tổng vệ sinh") }
        vm.addPhoto("photos", notAPhoto.path, before)
        val bad = vm.editing { it.photoProblem() != null }
        assertEquals("Tệp không phải ảnh JPEG hoặc PNG đọc được", bad.photoProblem()!!.vi)
        assertEquals("The file is not a readable JPEG or PNG image", bad.photoProblem()!!.en)
        assertTrue(bad["photos"]!!.photos.isEmpty())

        // Before and after, as the camera wrote them; each shows as being prepared first.
        val beforeFile = cameraJpeg("truoc.jpg", 1)
        val afterFile = cameraJpeg("sau.jpg", 2)
        val seen = Collections.synchronizedList(mutableListOf<RecordFormUiState>())
        h.scope.launch(Dispatchers.Unconfined) { vm.state.collect { seen += it } }
        vm.addPhoto("photos", beforeFile.path, before)
        vm.addPhoto("photos", afterFile.path, after)
        val ready = vm.editing { s -> attached(s).size == 2 && !s.preparingPhotos }
        assertTrue(
            seen.filterIsInstance<RecordFormUiState.Editing>().any { s -> s["photos"]!!.photos.any { it is FormPhoto.Preparing } && !s.canSave },
            "a photo being prepared shows as such and holds the save",
        )
        assertNull(ready.photoProblem(), "a good photo clears the bad file's message")
        val (b, a) = ready["photos"]!!.photos(before).single() as FormPhoto.Attached to ready["photos"]!!.photos(after).single() as FormPhoto.Attached
        for (p in listOf(b, a)) {
            // Scaled to the longest edge of 1600 px, re-encoded, named by its bytes.
            assertEquals(1600u, p.info!!.width)
            assertEquals(1200u, p.info!!.height)
            assertEquals(p.sha256, sha256(p.preview!!.jpeg))
            assertEquals(p.info!!.bytes, p.preview!!.jpeg.size.toULong())
            assertTrue(p.preview!!.jpeg.size < beforeFile.length(), "smaller than the camera's file")
        }
        // The camera files are not needed any more (the app deletes its cache copies).
        beforeFile.delete()
        afterFile.delete()

        // Not saved yet: no record uses them, so nothing waits to be sent.
        assertEquals(0uL, phone.syncStatus().photosWaiting)

        // A slip: the after photo also added as "before" is refused; removed and added back is fine.
        vm.removePhoto(a.key)
        vm.editing { attached(it).size == 1 }
        eventually("the removed photo to be forgotten") { !phone.hasPhoto(a.sha256) }
        val again = cameraJpeg("sau-lai.jpg", 2)
        vm.addPhoto("photos", again.path, after)
        vm.editing { attached(it).size == 2 && !it.preparingPhotos }
        vm.addPhoto("photos", again.path, before)
        val twice = vm.editing { it.photoProblem() != null }
        assertEquals(Texts.photoAlreadyAdded, twice.photoProblem())
        assertEquals(listOf(b.sha256 to before, a.sha256 to after), attached(twice).map { it.sha256 to it.stage })

        // Opened full size: the phone's own copy, at once.
        vm.openPhoto(b.sha256)
        val viewer = vm.editing { it.viewer?.content is PhotoContent.Shown }.viewer!!
        assertEquals(before, viewer.stage)
        assertArrayEquals(b.preview!!.jpeg, (viewer.content as PhotoContent.Shown).photo.jpeg)
        vm.closePhoto()
        vm.editing { it.viewer == null }

        vm.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 6f)
        vm.onFlag("work.waterways", true)
        vm.onText("participants.youth_union", "15")
        vm.onText("waste_kg", "42")
        vm.save(submit = true)
        val id = vm.saved().id
        assertEquals(listOf(PhotoRef(b.sha256, PhotoStage.BEFORE), PhotoRef(a.sha256, PhotoStage.AFTER)), cleanupPhotos(phone, id))

        // Home: two photos wait; sync sends the record, then the photos, byte by byte.
        val sync = h.sync(phone)
        val steps = Collections.synchronizedList(mutableListOf<SyncUiState>())
        h.scope.launch(Dispatchers.Unconfined) { sync.state.collect { steps += it } }
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        val waiting = home.state.awaitIs<HomeUiState.Ready> { it.sync.photosWaiting == 2L }.sync
        home.syncNow()
        val synced = home.state.awaitIs<HomeUiState.Ready>(60.seconds) { it.sync.activity is SyncUiState.Done && it.sync.photosWaiting == 0L }
        val done = synced.sync.activity as SyncUiState.Done
        assertEquals(waiting.waiting, done.pushed)
        assertEquals(0L, done.refused)
        assertEquals(2L, done.photosUploaded)
        assertEquals(0L, done.photosWaiting)
        assertEquals(0uL, phone.syncStatus().photosWaiting)
        val running = steps.toList().filterIsInstance<SyncUiState.Running>().map { it.step }
        val total = (b.info!!.bytes + a.info!!.bytes).toLong()
        assertTrue(SyncStep.UploadingPhotos(0, total) in running, running.toString())
        assertTrue(SyncStep.UploadingPhotos(total, total) in running, running.toString())
        val firstPhotoStep = running.indexOfFirst { it is SyncStep.UploadingPhotos }
        assertTrue(running.indexOfLast { it is SyncStep.Sending } < firstPhotoStep, "records go before photos: $running")
        assertEquals(SyncStep.Finishing, running.last())

        // The server holds exactly the phone's bytes.
        for (p in listOf(b, a)) {
            val resp = serverPhoto(p.sha256, staffToken)
            assertEquals(200, resp.statusCode())
            assertEquals("image/jpeg", resp.headers().firstValue("content-type").orElse(""))
            assertArrayEquals(p.preview!!.jpeg, resp.body())
        }

        // Another volunteer of Ấp Mỹ Hòa: the cleanup arrives with sync, its photos do not.
        val neighbourCode = server.volunteerCode(Areas.MY_HOA, "Tình nguyện viên Hàng Xóm")
        var neighbour = h.phone("neighbour")
        val neighbourToken = neighbour.enrol(neighbourCode).token
        kotlinx.coroutines.runBlocking { assertTrue(h.sync(neighbour).sync() is SyncUiState.Done) }
        assertEquals(0uL, neighbour.syncStatus().photosWaiting)
        h.close(neighbour)

        // Out of reach of the server: the photo is not on this phone, so the viewer says offline.
        neighbour = reopen("neighbour", TestServer.unreachableUrl(), neighbourToken)
        val cut = cleanupForm(neighbour, id)
        val listed = cut.editing()
        assertEquals(listOf(b.sha256, a.sha256), attached(listed).map { it.sha256 })
        assertTrue(attached(listed).all { it.preview == null }, "someone else's photos are not loaded before they are opened")
        cut.openPhoto(a.sha256)
        val offline = cut.editing(60.seconds) { it.viewer?.content is PhotoContent.Offline }
        assertTrue((offline.viewer!!.content as PhotoContent.Offline).message.vi.isNotBlank())
        h.close(neighbour)

        // Back in reach: opened, downloaded, the same bytes under the same name.
        neighbour = reopen("neighbour", server.url, neighbourToken)
        val online = cleanupForm(neighbour, id)
        online.editing()
        online.openPhoto(a.sha256)
        val shown = online.editing { it.viewer?.content is PhotoContent.Shown }
        val downloaded = (shown.viewer!!.content as PhotoContent.Shown).photo.jpeg
        assertArrayEquals(a.preview!!.jpeg, downloaded)
        assertEquals(a.sha256, sha256(downloaded))
        assertEquals(after, shown.viewer!!.stage)
        // Opening it gave the form its thumbnail too.
        online.editing { s -> attached(s).single { it.sha256 == a.sha256 }.preview != null }
        assertEquals(0uL, neighbour.syncStatus().photosWaiting, "a downloaded photo is not sent back")
        h.close(neighbour)

        // Kept: readable with no server at all, and the other photo still is not there. The
        // form shows the kept one's thumbnail straight away and leaves the other to a tap.
        neighbour = reopen("neighbour", TestServer.unreachableUrl(), neighbourToken)
        assertArrayEquals(downloaded, neighbour.photo(a.sha256))
        assertTrue(neighbour.hasPhoto(a.sha256))
        assertFalse(neighbour.hasPhoto(b.sha256))
        val later = cleanupForm(neighbour, id)
        val thumbs = later.editing(5.seconds) { s -> attached(s).any { it.preview != null } }
        assertEquals(listOf(a.sha256), attached(thumbs).filter { it.preview != null }.map { it.sha256 })
    }

    @Test
    fun `a photo removed before saving, or left in a form never saved, never leaves the phone`() {
        val (phone, _) = h.enrolled("careful", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff-careful").enrol(server.staffCode()).token

        // A cleanup started, a photo taken, then the person goes back without saving.
        val left = cleanupForm(phone)
        left.editing()
        left.addPhoto("photos", cameraJpeg("bo-do.jpg", 21).path, before)
        val stray = attached(left.editing { attached(it).size == 1 }).single().sha256
        assertTrue(phone.hasPhoto(stray))
        left.abandon()
        eventually("the abandoned form's photo to be forgotten") { !phone.hasPhoto(stray) }

        // The wrong house photographed: taken out before saving, forgotten at once.
        val vm = cleanupForm(phone)
        vm.editing()
        vm.addPhoto("photos", cameraJpeg("nham-nha.jpg", 22).path, before)
        vm.addPhoto("photos", cameraJpeg("dung-cho.jpg", 23).path, after)
        val both = vm.editing { attached(it).size == 2 && !it.preparingPhotos }
        val wrong = (both["photos"]!!.photos(before).single() as FormPhoto.Attached).sha256
        val right = (both["photos"]!!.photos(after).single() as FormPhoto.Attached).sha256
        vm.removePhoto(wrong)
        vm.editing { attached(it).size == 1 }
        eventually("the removed photo to be forgotten") { !phone.hasPhoto(wrong) }
        assertEquals(0uL, phone.syncStatus().photosWaiting)
        vm.fillIn()
        vm.save(submit = true)
        val id = vm.saved().id
        assertEquals(listOf(PhotoRef(right, PhotoStage.AFTER)), cleanupPhotos(phone, id))

        // Home counts the one photo the saved cleanup uses, before and during sync, never more.
        val sync = h.sync(phone)
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        val counted = Collections.synchronizedList(mutableListOf<Long>())
        h.scope.launch(Dispatchers.Unconfined) {
            home.state.collect { if (it is HomeUiState.Ready) counted += it.sync.photosWaiting }
        }
        home.state.awaitIs<HomeUiState.Ready> { it.sync.photosWaiting == 1L }
        home.syncNow()
        val done = home.state.awaitIs<HomeUiState.Ready>(60.seconds) { it.sync.activity is SyncUiState.Done && it.sync.photosWaiting == 0L }
        assertEquals(1L, (done.sync.activity as SyncUiState.Done).photosUploaded)
        assertTrue(counted.all { it <= 1L }, "photos waiting: $counted")

        // The server has the right photo, and has never seen the other two.
        assertEquals(200, serverPhoto(right, staffToken).statusCode())
        assertEquals(404, serverPhoto(wrong, staffToken).statusCode())
        assertEquals(404, serverPhoto(stray, staffToken).statusCode())

        // Once sent, a photo stays: taking it out of the form does not forget it.
        val reopened = cleanupForm(phone, id)
        reopened.editing { attached(it).size == 1 }
        assertFalse(phone.discardPhoto(right), "the core refuses: a saved record uses it")
        reopened.abandon()
        Thread.sleep(200)
        assertTrue(phone.hasPhoto(right))
    }

    /** The same phone (its store file) opened again, e.g. on another network; tokens live in memory. */
    private fun reopen(name: String, url: String, token: String): Sachxanh =
        h.phone(name, url).also { it.setToken(token) }

    @Test
    fun `a cleanup reopened by its author shows its photos' thumbnails from the phone, with no network`() {
        var phone = h.phone("author")
        val token = phone.enrol(server.volunteerCode(Areas.MY_HOA)).token
        val vm = cleanupForm(phone)
        vm.editing()
        vm.addPhoto("photos", cameraJpeg("kenh-truoc.jpg", 7).path, before)
        val sha = attached(vm.editing { attached(it).size == 1 }).single().sha256
        vm.onMapTap("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat)
        vm.onFlag("work.drains", true)
        vm.onText("participants.residents", "9")
        vm.onText("bags", "4")
        vm.save(submit = false)
        val id = vm.saved().id
        h.close(phone)

        // Out of reach of the server: the thumbnail is read from the phone at once (an attempt
        // to download would first wait out the core's retries, ~15 s).
        phone = reopen("author", TestServer.unreachableUrl(), token)
        val reopened = cleanupForm(phone, id)
        val shown = reopened.editing(5.seconds) { s -> attached(s).singleOrNull()?.preview != null }
        assertEquals(sha, sha256(attached(shown).single().preview!!.jpeg))
        // Removing it and saving drops it from the record; the saved draft used it, so the form
        // leaves it on the phone, and no record using it, it does not wait to be sent.
        reopened.removePhoto(sha)
        reopened.save(submit = false)
        reopened.saved()
        assertTrue(cleanupPhotos(phone, id).isEmpty())
        assertTrue(phone.hasPhoto(sha))
        assertEquals(0uL, phone.syncStatus().photosWaiting)
    }
}
