package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Role

/** EnrolScreen: type or scan the code staff handed out; a wrong code is said in Vietnamese. */
class EnrolFlowTest : FlowTest() {
    @Test
    fun `a wrong code is refused in Vietnamese and the code stays in the field`() {
        val phone = h.phone("wrong-code")
        val tokens = MemoryTokenStore()
        val vm = EnrolViewModel(phone, tokens, h.scope, h.io)
        vm.state.awaitIs<EnrolUiState.Entering>()

        vm.submit()
        assertEquals(Texts.emptyCode, vm.state.awaitIs<EnrolUiState.Entering>().error)

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

        val code = server.volunteerCode(Areas.MY_HOA, "Trần Thị Thử")
        vm.onScanned("sachxanh://enrol?code=${code.lowercase()}")
        val enrolled = vm.state.awaitIs<EnrolUiState.Enrolled>()
        assertEquals("Trần Thị Thử", enrolled.person.name)
        assertEquals(Role.VOLUNTEER, enrolled.person.role)
        assertEquals(listOf("Ấp Mỹ Hòa"), enrolled.person.areas.map { it.name })
        assertTrue(tokens.token!!.length > 20)

        // Home greets the person with their hamlet.
        val home = HomeViewModel(phone, h.sync(phone), h.scope, h.io)
        val ready = home.state.awaitIs<HomeUiState.Ready>()
        assertEquals("Trần Thị Thử", ready.person.name)
        assertEquals(listOf("Ấp Mỹ Hòa"), ready.areas.map { it.area.name })
        assertTrue(ready.nothingToDo)

        // The app restarts: the kept token is handed back, no code asked.
        val again = EnrolViewModel(phone, tokens, h.scope, h.io)
        assertEquals("Trần Thị Thử", again.state.awaitIs<EnrolUiState.Enrolled>().person.name)

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
    fun `codes are read the way people type and print them`() {
        assertEquals("K7QM-3XPA-TW", EnrolCode.normalize(" k7qm 3xpa tw "))
        assertEquals("K7QM-3XPA-TW", EnrolCode.fromQr("K7QM3XPATW"))
        assertEquals("K7QM-3XPA-TW", EnrolCode.fromQr("https://sachxanh.example.vn/enrol?code=K7QM-3XPA-TW"))
        assertNull(EnrolCode.fromQr("K7QM-3XPA-T0"), "0 is not in the alphabet")
        assertNull(EnrolCode.fromQr("K7QM-3XPA"))
        assertNull(EnrolCode.fromQr("sachxanh://enrol"))
    }
}
