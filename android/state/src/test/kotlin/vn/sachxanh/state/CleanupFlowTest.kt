package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Coord
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Shape

/** CleanupScreen: a weekend cleanup with its place, work, people per organisation, waste. */
class CleanupFlowTest : FlowTest() {
    @Test
    fun `an empty cleanup form says what is missing under each field, then a full one is saved`() {
        val (phone, _) = h.enrolled("cleanup", server.volunteerCode(Areas.MY_HOA))
        val vm = CleanupViewModel(phone, h.clock, h.scope, h.io)
        val blank = vm.state.awaitIs<CleanupUiState.Editing>()
        assertEquals(Areas.MY_HOA, blank.form.areaId)
        assertEquals(listOf("Ấp Mỹ Hòa"), blank.areas.map { it.name })

        vm.save(submit = true)
        val missing = vm.state.awaitIs<CleanupUiState.Editing> { !it.errors.isEmpty }
        assertEquals(
            setOf(CleanupField.PLACE, CleanupField.WORK, CleanupField.PARTICIPANTS, CleanupField.WASTE_KG),
            missing.errors.byField.keys,
        )
        assertTrue(missing.errors[CleanupField.WORK]!!.vi.contains("ít nhất một nội dung"), missing.errors.toString())
        assertTrue(missing.errors[CleanupField.PARTICIPANTS]!!.vi.contains("người tham gia"))

        // Letters where a count goes: said under that organisation, the core is not asked.
        vm.onParticipants(Organisation.YOUTH_UNION, "mười")
        vm.save(submit = true)
        val letters = vm.state.awaitIs<CleanupUiState.Editing> { it.errors[CleanupField.YOUTH_UNION] != null }
        assertEquals(Texts.notAWholeNumber, letters.errors[CleanupField.YOUTH_UNION])

        // A tap outside the commune is judged by the core.
        vm.onMapTap(Areas.outsideCommune.lon, Areas.outsideCommune.lat)
        vm.onParticipants(Organisation.YOUTH_UNION, "12")
        vm.onParticipants(Organisation.WOMENS_UNION, "8")
        vm.onParticipants(Organisation.RESIDENTS, "20")
        vm.onWork(WorkKind.SWEEPING, true)
        vm.onWork(WorkKind.WATERWAYS, true)
        vm.onWasteKgChanged("35,5")
        vm.onBagsChanged("7")
        vm.save(submit = true)
        val outside = vm.state.awaitIs<CleanupUiState.Editing> { it.errors[CleanupField.PLACE]?.vi?.contains("ngoài") == true }
        assertEquals(setOf(CleanupField.PLACE), outside.errors.byField.keys)
        assertEquals(40L, outside.totalParticipants)

        // The GPS fix replaces the tapped point: standing on the canal bank.
        vm.onGpsFix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        val placed = vm.state.awaitIs<CleanupUiState.Editing> { it.form.placeSource == PlaceSource.GPS }
        assertEquals(listOf(Areas.inMyHoa), placed.form.points)
        vm.onNoteChanged("Vớt lục bình đoạn kênh Rạch Sen")
        vm.save(submit = true)
        val saved = vm.state.awaitIs<CleanupUiState.Saved>()

        val stored = phone.cleanup(saved.id)
        assertEquals(ReviewStatus.AWAITING_REVIEW, stored.status)
        assertEquals(35.5, stored.value.wasteKg)
        assertEquals(7u, stored.value.bags)
        assertEquals(12u, stored.value.participants.youthUnion)
        assertEquals(8u, stored.value.participants.womensUnion)
        assertEquals(20u, stored.value.participants.residents)
        assertTrue(stored.value.work.sweeping && stored.value.work.waterways && !stored.value.work.drains)
        assertEquals(Shape.POINT, stored.value.place.shape)
        val figures = phone.areaFigures(Areas.MY_HOA)
        assertEquals(1uL, figures.cleanups)
        assertEquals(40uL, figures.participants)
    }

    @Test
    fun `a cleanup along a canal is drawn tap by tap and reopened as recorded`() {
        val (phone, _) = h.enrolled("line", server.volunteerCode(Areas.MY_HOA))
        val vm = CleanupViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        vm.state.awaitIs<CleanupUiState.Editing>()
        vm.onShapeChanged(Shape.LINE)
        vm.onMapTap(105.625, 9.995)
        vm.onMapTap(105.630, 9.997)
        vm.onMapTap(105.699, 9.999) // a slip of the finger
        vm.undoLastPoint()
        vm.onWork(WorkKind.DRAINS, true)
        vm.onParticipants(Organisation.VETERANS, "6")
        vm.onBagsChanged("15")
        vm.save(submit = false)
        val id = vm.state.awaitIs<CleanupUiState.Saved>().id

        val reopened = CleanupViewModel(phone, h.clock, h.scope, h.io, cleanupId = id)
        val shown = reopened.state.awaitIs<CleanupUiState.Editing>()
        assertEquals(Shape.LINE, shown.form.shape)
        assertEquals(listOf(Coord(105.625, 9.995), Coord(105.630, 9.997)), shown.form.points)
        assertEquals(mapOf(Organisation.VETERANS to "6"), shown.form.participants)
        assertEquals("15", shown.form.bags)
        assertEquals("", shown.form.wasteKg)
        assertEquals(ReviewStatus.DRAFT, shown.status)
    }
}
