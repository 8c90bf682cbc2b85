package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Role

/** EnrolScreen: type or scan the code staff handed out; a wrong code is said in both languages. */
class EnrolFlowTest : FlowTest() {
    @Test
    fun `a wrong code is refused in Vietnamese and English and the code stays in the field`() {
        val phone = h.phone("wrong-code")
        val tokens = MemoryTokenStore()
        val vm = EnrolViewModel(phone, tokens, h.scope, h.io)
        vm.state.awaitIs<EnrolUiState.Entering>()

        // Nothing typed: the core says the code is needed, under the field.
        vm.submit()
        val empty = vm.state.awaitIs<EnrolUiState.Entering> { it.error != null }.error!!
        assertTrue(empty.vi.startsWith("Mã đăng ký"), empty.vi)
        assertTrue(empty.en.startsWith("Enrolment code"), empty.en)

        // Well formed, but no such code: the server's reason.
        vm.onCodeChanged("ABCD-EFGH-JK")
        vm.submit()
        val refused = vm.state.awaitIs<EnrolUiState.Entering> { it.error != null }
        assertEquals("ABCD-EFGH-JK", refused.code)
        assertTrue(refused.error!!.vi.contains("mã đăng ký sai"), refused.error!!.vi)
        assertTrue(refused.error!!.en.contains("wrong"), refused.error!!.en)
        assertNull(tokens.token)
        assertNull(phone.me())
    }

    @Test
    fun `a scanned code enrols the phone, keeps the token, and the next start goes straight home`() {
        val phone = h.phone("scanned")
        val tokens = MemoryTokenStore()
        val vm = EnrolViewModel(phone, tokens, h.scope, h.io)
        vm.state.awaitIs<EnrolUiState.Entering>()

        // A shop's QR code scanned by mistake is not sent anywhere.
        vm.onScanned("https://example.com/menu?table=4")
        assertEquals(Texts.notAnEnrolmentQr, vm.state.awaitIs<EnrolUiState.Entering>().error)

        val code = server.volunteerCode(Areas.MY_HOA, "Trần Thị Mười")
        vm.onScanned("sachxanh://enrol?code=${code.lowercase()}")
        val enrolled = vm.state.awaitIs<EnrolUiState.Enrolled>()
        assertEquals("Trần Thị Mười", enrolled.person.name)
        assertEquals(Role.VOLUNTEER, enrolled.person.role)
        assertEquals(listOf("Ấp Mỹ Hòa"), enrolled.person.areas.map { it.name })
        assertTrue(tokens.token!!.length > 20)

        // Home greets the person with their hamlet.
        val home = HomeViewModel(phone, h.sync(phone), h.scope, h.io)
        val ready = home.state.awaitIs<HomeUiState.Ready>()
        assertEquals("Trần Thị Mười", ready.person.name)
        assertEquals(listOf("Ấp Mỹ Hòa"), ready.areas.map { it.area.name })
        assertTrue(ready.nothingToDo)

        // The app restarts: the kept token is handed back, no code asked.
        val again = EnrolViewModel(phone, tokens, h.scope, h.io)
        assertEquals("Trần Thị Mười", again.state.awaitIs<EnrolUiState.Enrolled>().person.name)

        // Home was told the token is refused: the enrolment screen forgets it and asks for a code.
        val over = EnrolViewModel(phone, tokens, h.scope, h.io, startOver = true)
        assertEquals(EnrolUiState.Entering(), over.state.awaitIs<EnrolUiState.Entering>())
        assertNull(tokens.token)
    }

    @Test
    fun `a used code cannot enrol a second phone`() {
        val code = server.volunteerCode(Areas.BEN_DINH)
        val first = EnrolViewModel(h.phone("first"), MemoryTokenStore(), h.scope, h.io)
        first.state.awaitIs<EnrolUiState.Entering>()
        first.onCodeChanged(code)
        first.submit()
        first.state.awaitIs<EnrolUiState.Enrolled>()

        val second = EnrolViewModel(h.phone("second"), MemoryTokenStore(), h.scope, h.io)
        second.state.awaitIs<EnrolUiState.Entering>()
        second.onCodeChanged(code)
        second.submit()
        assertTrue(second.state.awaitIs<EnrolUiState.Entering> { it.error != null }.error!!.vi.contains("đã dùng"))
    }

    @Test
    fun `a code is read the way people type it, and a mistyped one is said before anything is sent`() {
        // Out of reach of any server: a mistyped code must be caught on the phone.
        val cut = h.phone("typing", TestServer.unreachableUrl())
        val vm = EnrolViewModel(cut, MemoryTokenStore(), h.scope, h.io)
        vm.state.awaitIs<EnrolUiState.Entering>()
        vm.onCodeChanged("K7QM-3XPA-T0")
        vm.submit()
        val zero = vm.state.awaitIs<EnrolUiState.Entering>(kotlin.time.Duration.parse("2s")) { it.error != null }
        assertEquals("K7QM-3XPA-T0", zero.code, "what was typed stays")
        assertTrue(zero.error!!.vi.contains("số 0"), zero.error!!.vi)
        assertTrue(zero.error!!.en.contains("0"), zero.error!!.en)
        vm.onCodeChanged("K7QM-3XPA")
        vm.submit()
        val short = vm.state.awaitIs<EnrolUiState.Entering>(kotlin.time.Duration.parse("2s")) { it.code == "K7QM-3XPA" && it.error != null }
        assertTrue(short.error!!.vi.contains("10"), short.error!!.vi)

        // Lower case, spaces instead of dashes: the same code, and the phone enrols.
        val code = server.volunteerCode(Areas.CAU_TRE, "Lâm Văn Gõ")
        val typed = code.lowercase().replace('-', ' ')
        val vm2 = EnrolViewModel(h.phone("typed"), MemoryTokenStore(), h.scope, h.io)
        vm2.state.awaitIs<EnrolUiState.Entering>()
        vm2.onCodeChanged(" $typed ")
        vm2.submit()
        assertEquals("Lâm Văn Gõ", vm2.state.awaitIs<EnrolUiState.Enrolled>().person.name)
    }

    @Test
    fun `a revoked phone says so at home, keeps its records, and enrols again with a new code`() {
        val staff = server.staffKey()
        val phone = h.phone("revoked")
        val tokens = MemoryTokenStore()
        val first = EnrolViewModel(phone, tokens, h.scope, h.io)
        first.state.awaitIs<EnrolUiState.Entering>()
        first.onScanned("sachxanh://enrol?code=${server.volunteerCode(Areas.MY_HOA, "Lý Thị Mất Máy")}")
        val person = first.state.awaitIs<EnrolUiState.Enrolled>().person
        phone.addHousehold("Hộ Chưa Kịp Gửi")

        // The phone is reported lost; staff revoke it from the people page.
        val me = String(server.staffGet("/api/v1/me", tokens.token!!).body(), Charsets.UTF_8)
        val device = server.field(me, "device_id")
        assertEquals(204, server.staffPost("/api/v1/devices/$device/revoke", staff).statusCode())

        // Home says why, in the server's words, and the household stays on the phone.
        val home = HomeViewModel(phone, h.sync(phone), h.scope, h.io)
        home.state.awaitIs<HomeUiState.Ready>()
        home.syncNow()
        val told = home.state.awaitIs<HomeUiState.NotEnrolled>().message!!
        assertTrue(told.vi.contains("thu hồi"), told.vi)
        assertTrue(told.en.contains("stay on the phone"), told.en)
        assertEquals(1uL, phone.syncStatus().waiting)

        // Staff give a new code; the enrolment screen starts over and the household goes out.
        val issued = server.staffPost("/api/v1/people/${person.personId}/enrolment-codes", staff)
        assertEquals(201, issued.statusCode(), issued.body())
        val again = EnrolViewModel(phone, tokens, h.scope, h.io, startOver = true)
        again.state.awaitIs<EnrolUiState.Entering>()
        again.onScanned("sachxanh://enrol?code=${server.field(issued.body(), "code")}")
        assertEquals("Lý Thị Mất Máy", again.state.awaitIs<EnrolUiState.Enrolled>().person.name)
        val sync = h.sync(phone)
        runBlocking { sync.sync() }
        assertEquals(1L, (sync.state.value as SyncUiState.Done).pushed)
        assertEquals(0uL, phone.syncStatus().waiting)
    }
}
