package vn.sachxanh.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AfterRun
import vn.sachxanh.core.Network
import java.nio.file.Files
import java.util.Collections

/** The sync line of HomeScreen and OutboxScreen: progress, cancel, and no signal at all. */
class SyncFlowTest : FlowTest() {
    /** Every state the progress bar is given, in order (collected without conflation). */
    private fun SyncController.recorded(): MutableList<SyncUiState> {
        val seen = Collections.synchronizedList(mutableListOf<SyncUiState>())
        h.scope.launch(Dispatchers.Unconfined) { state.collect { seen += it } }
        return seen
    }

    @Test
    fun `sync progress goes through sending and receiving and ends done`() {
        val (phone, _) = h.enrolled("progress", server.volunteerCode(Areas.MY_HOA))
        repeat(4) { phone.addHousehold("Hộ Tiến Độ $it") }
        val sync = h.sync(phone)
        val seen = sync.recorded()
        sync.syncNow()
        val done = sync.state.awaitIs<SyncUiState.Done>()
        assertEquals(4L, done.pushed)
        assertEquals(0L, done.refused)

        val steps = seen.toList()
        assertEquals(SyncUiState.Idle, steps.first())
        assertEquals(done, steps.last())
        val running = steps.filterIsInstance<SyncUiState.Running>().map { it.step }
        assertEquals(SyncStep.Starting, running.first())
        assertTrue(SyncStep.Sending(0, 4) in running, running.toString())
        assertTrue(SyncStep.Sending(4, 4) in running, running.toString())
        assertTrue(running.any { it is SyncStep.Receiving }, running.toString())
        assertEquals(SyncStep.Finishing, running.last())
        assertTrue(running.size >= 4, running.toString())
        assertEquals(0uL, phone.syncStatus().waiting)
    }

    @Test
    fun `a cancelled sync keeps everything for the next one`() {
        val (phone, _) = h.enrolled("cancel", server.volunteerCode(Areas.BEN_DINH))
        repeat(5) { phone.addHousehold("Hộ Hủy $it", Areas.BEN_DINH) }
        val sync = h.sync(phone)
        // The person presses cancel as soon as the progress bar appears.
        h.scope.launch(Dispatchers.Unconfined) {
            sync.state.collect { if (it is SyncUiState.Running) sync.cancel() }
        }
        sync.syncNow()
        val cancelled = sync.state.awaitIs<SyncUiState.Cancelled>()
        assertTrue(cancelled.message.vi.contains("hủy"), cancelled.message.vi)
        assertEquals(5uL, phone.syncStatus().waiting)

        val again = h.sync(phone)
        runBlocking { again.sync() }
        assertEquals(5L, (again.state.value as SyncUiState.Done).pushed)
        assertEquals(0uL, phone.syncStatus().waiting)
    }

    @Test
    fun `out of reach of the server the screens say offline and nothing is lost`() {
        val dir = Files.createTempDirectory("offline")
        val path = dir.resolve("phone.db").toString()
        val tokens = MemoryTokenStore()
        val key = vn.sachxanh.core.newStoreKey()
        // Enrolled at the commune office, where there is signal.
        vn.sachxanh.core.Sachxanh.open(path, vn.sachxanh.core.DeviceSettings(server.url, null, storeKey = key)).use { p ->
            tokens.write(p.enrol(server.volunteerCode(Areas.RACH_SUNG)).token)
            p.addHousehold("Hộ Ngoài Vùng Sóng", Areas.RACH_SUNG)
            p.addHousehold("Hộ Cuối Kênh", Areas.RACH_SUNG)
        }

        // Out on the canal: the server cannot be reached.
        vn.sachxanh.core.Sachxanh.open(path, vn.sachxanh.core.DeviceSettings(TestServer.unreachableUrl(), null, storeKey = key)).use { p ->
            p.setToken(tokens.token!!)
            val sync = SyncController(p, h.clock, h.scope, h.io)
            val home = HomeViewModel(p, sync, h.scope, h.io)
            val outbox = OutboxViewModel(p, sync, h.scope, h.io)
            home.state.awaitIs<HomeUiState.Ready>()

            // With no network at all, the app does not even try.
            sync.onNetworkChanged(Network.NONE)
            assertEquals(SyncUiState.Offline(Texts.noNetwork), runBlocking { sync.sync() })
            assertTrue(home.state.awaitIs<HomeUiState.Ready> { it.sync.offline }.sync.offlineMessage == Texts.noNetwork)

            // A network that does not reach the server: the core retries, then says offline.
            sync.onNetworkChanged(Network.UNKNOWN)
            home.syncNow()
            val offline = home.state.awaitIs<HomeUiState.Ready>(timeout = kotlin.time.Duration.parse("60s")) {
                it.sync.activity is SyncUiState.Offline && it.sync.activity != SyncUiState.Offline(Texts.noNetwork)
            }
            assertTrue(offline.sync.offline)
            assertTrue(offline.sync.offlineMessage!!.vi.contains("vẫn được giữ trên máy"), offline.sync.offlineMessage!!.vi)
            assertEquals(2L, offline.sync.waiting)
            val listed = outbox.state.awaitIs<OutboxUiState.Content> { it.offlineMessage != null }
            assertEquals(2, listed.unsentCount)
        }

        // Back in reach: everything goes out.
        vn.sachxanh.core.Sachxanh.open(path, vn.sachxanh.core.DeviceSettings(server.url, null, storeKey = key)).use { p ->
            p.setToken(tokens.token!!)
            val sync = SyncController(p, h.clock, h.scope, h.io)
            val done = runBlocking { sync.sync() }
            assertEquals(2L, (done as SyncUiState.Done).pushed)
            assertEquals(0uL, p.syncStatus().waiting)
        }
    }

    @Test
    fun `the background worker follows the core's decisions`() {
        val stranger = h.phone("stranger")
        assertEquals(AfterRun.Stop, runBlocking { h.sync(stranger).runInBackground(0) })

        val (phone, _) = h.enrolled("worker", server.volunteerCode(Areas.CAU_TRE))
        phone.addHousehold("Hộ Chạy Nền", Areas.CAU_TRE)
        val sync = h.sync(phone)
        sync.onNetworkChanged(Network.NONE)
        assertTrue(runBlocking { sync.runInBackground(0) } is AfterRun.Retry, "no network: try again later")
        assertEquals(1uL, phone.syncStatus().waiting)
        sync.onNetworkChanged(Network.UNMETERED) // the network is back: something waits, so it syncs
        sync.state.awaitIs<SyncUiState.Done>()
        assertEquals(0uL, phone.syncStatus().waiting)
        // Just synced and nothing waits: the worker saves the person's data plan.
        val last = phone.syncStatus().lastSyncMs
        assertEquals(AfterRun.Success, runBlocking { sync.runInBackground(0) })
        assertEquals(last, phone.syncStatus().lastSyncMs, "no sync ran")
    }

    @Test
    fun `a record dated in a closed report period is taken and the server's notice is shown`() {
        val (phone, _) = h.enrolled("late", server.volunteerCode(Areas.MY_HOA))
        val vm = h.form(phone, vn.sachxanh.core.RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        vm.editing()
        // A cleanup written up late: the weekend of 6 May 2023, reported in November 2023.
        vm.onText("cleanup_date", "06/05/2023")
        vm.onMapTap("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat)
        vm.onFlag("work.sweeping", true)
        vm.onText("participants.residents", "14")
        vm.onText("bags", "9")
        vm.save(submit = true)
        vm.saved()

        val sync = h.sync(phone)
        sync.syncNow()
        val done = sync.state.awaitIs<SyncUiState.Done>()
        assertEquals(1L, done.pushed)
        assertEquals(0L, done.refused)
        val notice = done.notices.single()
        assertTrue(notice.vi.contains("06/05/2023") && notice.vi.contains("01/12/2022–30/11/2023"), notice.vi)
        assertTrue(notice.en.contains("closed on 30/11/2023"), notice.en)
        // A right clock is not worth a word on the home screen.
        assertEquals(null, phone.syncStatus().clockSkew)
    }

    @Test
    fun `home shows what sync cost this month, from the core, at the person's tariff`() {
        val (phone, _) = h.enrolled("data", server.volunteerCode(Areas.MY_HOA))
        repeat(12) { phone.addHousehold("Hộ Dữ Liệu $it") }
        val sync = h.sync(phone)
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        home.state.awaitIs<HomeUiState.Ready>()
        runBlocking { sync.sync() }
        val use = phone.dataUse()
        assertTrue(use.bytesSent > 0uL && use.bytesReceived > 0uL, use.toString())
        val shown = home.state.awaitIs<HomeUiState.Ready> { it.sync.dataUse == use.message }
        assertTrue(shown.sync.dataUse!!.vi.contains(" MB, khoảng "), shown.sync.dataUse!!.vi)
        // On unlimited data it costs nothing; a typing mistake is refused with the field named.
        phone.setTariff(0u)
        assertEquals(0uL, phone.dataUse().estimateDong)
        val refused = org.junit.jupiter.api.assertThrows<vn.sachxanh.core.ApiException.Invalid> { phone.setTariff(250_000u) }
        assertTrue(refused.problems.single().message.vi.startsWith("Giá cước"), refused.problems.single().message.vi)
    }
}
