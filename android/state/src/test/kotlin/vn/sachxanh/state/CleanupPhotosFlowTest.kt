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
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.Sachxanh
import java.io.File
import java.net.http.HttpResponse
import java.nio.file.Files
import java.security.MessageDigest
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

/**
 * CleanupScreen's photos before and after: added from camera-sized files, a file that is not a
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

    private fun attached(s: CleanupUiState.Editing) = s.form.photos.filterIsInstance<FormPhoto.Attached>()

    /** Waits for what the core does in the background (forgetting a photo) to show on the phone. */
    private fun eventually(what: String, check: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!check()) {
            if (System.nanoTime() > deadline) throw AssertionError("timed out waiting for $what")
            Thread.sleep(20)
        }
    }

    /** Fills what a cleanup needs besides photos. */
    private fun CleanupViewModel.fillIn() {
        onGpsFix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 5f)
        onWork(WorkKind.SWEEPING, true)
        onParticipants(Organisation.WOMENS_UNION, "12")
        onBagsChanged("3")
    }

    @Test
    fun `photos before and after are prepared, saved with the cleanup, uploaded, and downloaded only when opened`() {
        val (phone, _) = h.enrolled("photographer", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff").enrol(server.staffCode()).token
        val vm = CleanupViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        vm.state.awaitIs<CleanupUiState.Editing>()

        // A text file named like a photo: the core's words under the photo field, nothing added.
        val notAPhoto = File(files, "ghi-chu.jpg").apply { writeText("Danh sách người tham gia buổi tổng vệ sinh") }
        vm.addPhoto(notAPhoto.path, PhotoStage.BEFORE)
        val bad = vm.state.awaitIs<CleanupUiState.Editing> { it.errors[CleanupField.PHOTOS] != null }
        assertEquals("Tệp không phải ảnh JPEG hoặc PNG đọc được", bad.errors[CleanupField.PHOTOS]!!.vi)
        assertEquals("The file is not a readable JPEG or PNG image", bad.errors[CleanupField.PHOTOS]!!.en)
        assertTrue(bad.form.photos.isEmpty())

        // Before and after, as the camera wrote them; each shows as being prepared first.
        val before = cameraJpeg("truoc.jpg", 1)
        val after = cameraJpeg("sau.jpg", 2)
        val seen = Collections.synchronizedList(mutableListOf<CleanupUiState>())
        h.scope.launch(Dispatchers.Unconfined) { vm.state.collect { seen += it } }
        vm.addPhoto(before.path, PhotoStage.BEFORE)
        vm.addPhoto(after.path, PhotoStage.AFTER)
        val ready = vm.state.awaitIs<CleanupUiState.Editing> { s -> attached(s).size == 2 && !s.preparingPhotos }
        assertTrue(
            seen.filterIsInstance<CleanupUiState.Editing>().any { s -> s.form.photos.any { it is FormPhoto.Preparing } && !s.canSave },
            "a photo being prepared shows as such and holds the save",
        )
        assertNull(ready.errors[CleanupField.PHOTOS], "a good photo clears the bad file's message")
        val (b, a) = ready.photos(PhotoStage.BEFORE).single() as FormPhoto.Attached to ready.photos(PhotoStage.AFTER).single() as FormPhoto.Attached
        for (p in listOf(b, a)) {
            // Scaled to the longest edge of 1600 px, re-encoded, named by its bytes.
            assertEquals(1600u, p.info!!.width)
            assertEquals(1200u, p.info!!.height)
            assertEquals(p.sha256, sha256(p.preview!!.jpeg))
            assertEquals(p.info!!.bytes, p.preview!!.jpeg.size.toULong())
            assertTrue(p.preview!!.jpeg.size < before.length(), "smaller than the camera's file")
        }
        // The camera files are not needed any more (the app deletes its cache copies).
        before.delete()
        after.delete()

        // Not saved yet: no record uses them, so nothing waits to be sent.
        assertEquals(0uL, phone.syncStatus().photosWaiting)

        // A slip: the after photo also added as "before" is refused; removed and added back is fine.
        vm.removePhoto(a.key)
        vm.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 1 }
        eventually("the removed photo to be forgotten") { !phone.hasPhoto(a.sha256) }
        val again = cameraJpeg("sau-lai.jpg", 2)
        vm.addPhoto(again.path, PhotoStage.AFTER)
        vm.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 2 && !it.preparingPhotos }
        vm.addPhoto(again.path, PhotoStage.BEFORE)
        val twice = vm.state.awaitIs<CleanupUiState.Editing> { it.errors[CleanupField.PHOTOS] != null }
        assertEquals(Texts.photoAlreadyAdded, twice.errors[CleanupField.PHOTOS])
        assertEquals(listOf(b.sha256 to PhotoStage.BEFORE, a.sha256 to PhotoStage.AFTER), attached(twice).map { it.sha256 to it.stage })

        // Opened full size: the phone's own copy, at once.
        vm.openPhoto(b.sha256)
        val viewer = vm.state.awaitIs<CleanupUiState.Editing> { it.viewer?.content is PhotoContent.Shown }.viewer!!
        assertEquals(PhotoStage.BEFORE, viewer.stage)
        assertArrayEquals(b.preview!!.jpeg, (viewer.content as PhotoContent.Shown).photo.jpeg)
        vm.closePhoto()
        vm.state.awaitIs<CleanupUiState.Editing> { it.viewer == null }

        vm.onGpsFix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 6f)
        vm.onWork(WorkKind.WATERWAYS, true)
        vm.onParticipants(Organisation.YOUTH_UNION, "15")
        vm.onWasteKgChanged("42")
        vm.save(submit = true)
        val id = vm.state.awaitIs<CleanupUiState.Saved>().id
        assertEquals(listOf(PhotoRef(b.sha256, PhotoStage.BEFORE), PhotoRef(a.sha256, PhotoStage.AFTER)), phone.cleanup(id).value.photos)

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
        val cut = CleanupViewModel(neighbour, h.clock, h.scope, h.io, cleanupId = id)
        val listed = cut.state.awaitIs<CleanupUiState.Editing>()
        assertEquals(listOf(b.sha256, a.sha256), attached(listed).map { it.sha256 })
        assertTrue(attached(listed).all { it.preview == null }, "someone else's photos are not loaded before they are opened")
        cut.openPhoto(a.sha256)
        val offline = cut.state.awaitIs<CleanupUiState.Editing>(60.seconds) { it.viewer?.content is PhotoContent.Offline }
        assertTrue((offline.viewer!!.content as PhotoContent.Offline).message.vi.isNotBlank())
        h.close(neighbour)

        // Back in reach: opened, downloaded, the same bytes under the same name.
        neighbour = reopen("neighbour", server.url, neighbourToken)
        val online = CleanupViewModel(neighbour, h.clock, h.scope, h.io, cleanupId = id)
        online.state.awaitIs<CleanupUiState.Editing>()
        online.openPhoto(a.sha256)
        val shown = online.state.awaitIs<CleanupUiState.Editing> { it.viewer?.content is PhotoContent.Shown }
        val downloaded = (shown.viewer!!.content as PhotoContent.Shown).photo.jpeg
        assertArrayEquals(a.preview!!.jpeg, downloaded)
        assertEquals(a.sha256, sha256(downloaded))
        assertEquals(PhotoStage.AFTER, shown.viewer!!.stage)
        // Opening it gave the form its thumbnail too.
        online.state.awaitIs<CleanupUiState.Editing> { s -> attached(s).single { it.sha256 == a.sha256 }.preview != null }
        assertEquals(0uL, neighbour.syncStatus().photosWaiting, "a downloaded photo is not sent back")
        h.close(neighbour)

        // Kept: readable with no server at all, and the other photo still is not there. The
        // form shows the kept one's thumbnail straight away and leaves the other to a tap.
        neighbour = reopen("neighbour", TestServer.unreachableUrl(), neighbourToken)
        assertArrayEquals(downloaded, neighbour.photo(a.sha256))
        assertTrue(neighbour.hasPhoto(a.sha256))
        assertFalse(neighbour.hasPhoto(b.sha256))
        val later = CleanupViewModel(neighbour, h.clock, h.scope, h.io, cleanupId = id)
        val thumbs = later.state.awaitIs<CleanupUiState.Editing>(5.seconds) { s -> attached(s).any { it.preview != null } }
        assertEquals(listOf(a.sha256), attached(thumbs).filter { it.preview != null }.map { it.sha256 })
    }

    @Test
    fun `a photo removed before saving, or left in a form never saved, never leaves the phone`() {
        val (phone, _) = h.enrolled("careful", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff-careful").enrol(server.staffCode()).token

        // A cleanup started, a photo taken, then the person goes back without saving.
        val left = CleanupViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        left.state.awaitIs<CleanupUiState.Editing>()
        left.addPhoto(cameraJpeg("bo-do.jpg", 21).path, PhotoStage.BEFORE)
        val stray = attached(left.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 1 }).single().sha256
        assertTrue(phone.hasPhoto(stray))
        left.abandon()
        eventually("the abandoned form's photo to be forgotten") { !phone.hasPhoto(stray) }

        // The wrong house photographed: taken out before saving, forgotten at once.
        val vm = CleanupViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        vm.state.awaitIs<CleanupUiState.Editing>()
        vm.addPhoto(cameraJpeg("nham-nha.jpg", 22).path, PhotoStage.BEFORE)
        vm.addPhoto(cameraJpeg("dung-cho.jpg", 23).path, PhotoStage.AFTER)
        val both = vm.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 2 && !it.preparingPhotos }
        val wrong = (both.photos(PhotoStage.BEFORE).single() as FormPhoto.Attached).sha256
        val right = (both.photos(PhotoStage.AFTER).single() as FormPhoto.Attached).sha256
        vm.removePhoto(wrong)
        vm.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 1 }
        eventually("the removed photo to be forgotten") { !phone.hasPhoto(wrong) }
        assertEquals(0uL, phone.syncStatus().photosWaiting)
        vm.fillIn()
        vm.save(submit = true)
        val id = vm.state.awaitIs<CleanupUiState.Saved>().id
        assertEquals(listOf(PhotoRef(right, PhotoStage.AFTER)), phone.cleanup(id).value.photos)

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
        val reopened = CleanupViewModel(phone, h.clock, h.scope, h.io, cleanupId = id)
        reopened.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 1 }
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
        val vm = CleanupViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        vm.state.awaitIs<CleanupUiState.Editing>()
        vm.addPhoto(cameraJpeg("kenh-truoc.jpg", 7).path, PhotoStage.BEFORE)
        val sha = attached(vm.state.awaitIs<CleanupUiState.Editing> { attached(it).size == 1 }).single().sha256
        vm.onMapTap(Areas.inMyHoa.lon, Areas.inMyHoa.lat)
        vm.onWork(WorkKind.DRAINS, true)
        vm.onParticipants(Organisation.RESIDENTS, "9")
        vm.onBagsChanged("4")
        vm.save(submit = false)
        val id = vm.state.awaitIs<CleanupUiState.Saved>().id
        h.close(phone)

        // Out of reach of the server: the thumbnail is read from the phone at once (an attempt
        // to download would first wait out the core's retries, ~15 s).
        phone = reopen("author", TestServer.unreachableUrl(), token)
        val reopened = CleanupViewModel(phone, h.clock, h.scope, h.io, cleanupId = id)
        val shown = reopened.state.awaitIs<CleanupUiState.Editing>(5.seconds) { s -> attached(s).singleOrNull()?.preview != null }
        assertEquals(sha, sha256(attached(shown).single().preview!!.jpeg))
        // Removing it and saving drops it from the record; the saved draft used it, so the form
        // leaves it on the phone, and no record using it, it does not wait to be sent.
        reopened.removePhoto(sha)
        reopened.save(submit = false)
        reopened.state.awaitIs<CleanupUiState.Saved>()
        assertTrue(phone.cleanup(id).value.photos.isEmpty())
        assertTrue(phone.hasPhoto(sha))
        assertEquals(0uL, phone.syncStatus().photosWaiting)
    }
}
