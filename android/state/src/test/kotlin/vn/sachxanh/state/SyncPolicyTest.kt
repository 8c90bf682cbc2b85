package vn.sachxanh.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AfterRun
import vn.sachxanh.core.Network
import vn.sachxanh.core.RecordKind
import java.nio.file.Files
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Background sync as the worker runs it: the phone's conditions (network, battery saver, the
 * person's Wi-Fi-only setting, what waits) go to the core, and its decisions are what happens.
 */
class SyncPolicyTest : FlowTest() {
    private val files = Files.createTempDirectory("sachxanh-camera").toFile()

    @AfterAll
    fun removeFiles() {
        files.deleteRecursively()
    }

    @Test
    fun `with no network the worker retries later, each time waiting longer, then leaves it to the periodic run`() {
        val (phone, _) = h.enrolled("backoff", server.volunteerCode(Areas.CAU_TRE))
        phone.addHousehold("Hộ Chờ Mạng", Areas.CAU_TRE)
        val sync = h.sync(phone)
        sync.onNetworkChanged(Network.NONE)
        val delays = mutableListOf<Long>()
        var attempt = 0
        while (true) {
            val after = runBlocking { sync.runInBackground(attempt) }
            if (after !is AfterRun.Retry) {
                assertEquals(AfterRun.Success, after, "the periodic run tries again later")
                break
            }
            delays += after.delayMs.toLong()
            attempt++
            assertTrue(attempt < 40, "the retries end")
        }
        assertTrue(delays.size >= 2, delays.toString())
        assertEquals(sync.firstBackoffMs, delays.first())
        assertEquals(delays.first() * 2, delays[1], "the wait doubles")
        assertTrue(delays.zipWithNext().all { (a, b) -> b >= a }, delays.toString())
        assertEquals(1uL, phone.syncStatus().waiting, "nothing is lost meanwhile")
        assertTrue(sync.periodMs > 0)
    }

    @Test
    fun `photos wait for Wi-Fi when the person asks, and for the battery saver to end`() {
        val (phone, _) = h.enrolled("wifi", server.volunteerCode(Areas.MY_HOA))
        val form = h.form(phone, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        form.editing()
        form.addPhoto("photos", cameraJpeg(files, "ben-song.jpg", 31, 800, 600).path)
        form.editing { it.attachedPhotos().size == 1 && !it.preparingPhotos }
        form.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 5f)
        form.onFlag("work.waterways", true)
        form.onText("participants.residents", "14")
        form.onText("bags", "5")
        form.save(submit = true)
        form.saved()

        // The records go, the photo is cut off (the person cancels as the photo starts).
        val sync = h.sync(phone)
        sync.setPhotosOnWifiOnly(true)
        val once = AtomicBoolean(false)
        h.scope.launch(Dispatchers.Unconfined) {
            sync.state.collect {
                if (it is SyncUiState.Running && it.step is SyncStep.UploadingPhotos && once.compareAndSet(false, true)) sync.cancel()
            }
        }
        assertTrue(runBlocking { sync.sync() } is SyncUiState.Cancelled)
        assertEquals(0uL, phone.syncStatus().waiting)
        assertEquals(1uL, phone.syncStatus().photosWaiting)
        val cancelled = sync.state.value

        // Mobile data and photos on Wi-Fi only: the worker does not run.
        sync.onNetworkChanged(Network.METERED)
        assertEquals(AfterRun.Success, runBlocking { sync.runInBackground(0) })
        assertEquals(cancelled, sync.state.value, "no sync ran")
        assertEquals(1uL, phone.syncStatus().photosWaiting)

        // Wi-Fi, but the battery saver is on: photos still wait.
        sync.onBatterySaverChanged(true)
        sync.onNetworkChanged(Network.UNMETERED)
        assertEquals(AfterRun.Success, runBlocking { sync.runInBackground(0) })
        assertEquals(cancelled, sync.state.value, "no sync ran")

        // Battery saver off: the photo goes.
        sync.onBatterySaverChanged(false)
        assertEquals(AfterRun.Success, runBlocking { sync.runInBackground(0) })
        val done = sync.state.value as SyncUiState.Done
        assertEquals(1L, done.photosUploaded)
        assertEquals(0uL, phone.syncStatus().photosWaiting)
    }
}
