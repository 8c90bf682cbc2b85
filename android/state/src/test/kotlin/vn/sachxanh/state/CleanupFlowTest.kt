package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AnyRecord
import vn.sachxanh.core.Coord
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Shape

/** The cleanup form: a weekend cleanup with its place, work, people per organisation, waste. */
class CleanupFlowTest : FlowTest() {
    private fun RecordFormUiState.Editing.withProblems() = fields.filter { it.problems.isNotEmpty() }.map { it.path }.toSet()

    @Test
    fun `an empty cleanup form says what is missing under each field, then a full one is saved`() {
        val (phone, _) = h.enrolled("cleanup", server.volunteerCode(Areas.MY_HOA))
        val vm = h.form(phone, RecordKind.CLEANUP)
        val blank = vm.editing()
        assertEquals(Areas.MY_HOA, blank.areaId)
        assertEquals(listOf("Ấp Mỹ Hòa"), blank.areas.map { it.name })
        assertEquals(phone.areaOutline(Areas.MY_HOA), blank.outline, "the map draws the hamlet")
        assertTrue(blank.outline.size >= 3)

        vm.save(submit = true)
        val missing = vm.editing { !it.saving && it.withProblems().isNotEmpty() }
        // Group rules (no work, nobody came) show under the first field of their group.
        assertEquals(setOf("place", "work.sweeping", "participants.fatherland_front", "waste_kg"), missing.withProblems())
        assertTrue(missing.problemsVi("work.sweeping").single().contains("ít nhất một nội dung"), missing.problemsVi("work.sweeping").toString())
        assertTrue(missing.problemsVi("participants.fatherland_front").single().contains("người tham gia"))

        // Letters where a count goes: the core says so under that organisation.
        vm.onText("participants.youth_union", "mười")
        val letters = vm.editing { it["participants.youth_union"]!!.problems.isNotEmpty() }
        assertTrue(letters.problemsVi("participants.youth_union").single().contains("số nguyên"))

        // A tap outside the commune is judged by the core.
        vm.onMapTap("place", Areas.outsideCommune.lon, Areas.outsideCommune.lat)
        vm.onText("participants.youth_union", "12")
        vm.onText("participants.womens_union", "8")
        vm.onText("participants.residents", "20")
        vm.onFlag("work.sweeping", true)
        vm.onFlag("work.waterways", true)
        vm.onText("waste_kg", "35,5")
        vm.onText("bags", "7")
        vm.save(submit = true)
        val outside = vm.editing { !it.saving && it.problemsVi("place").any { p -> p.contains("ngoài") } }
        assertEquals(setOf("place"), outside.withProblems())

        // The GPS fix replaces the tapped point: standing on the canal bank.
        vm.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        val placed = vm.editing { it["place"]!!.place!!.source == PlaceSource.GPS }
        assertEquals(listOf(Areas.inMyHoa), placed["place"]!!.place!!.points)
        assertEquals(8f, placed["place"]!!.place!!.gpsAccuracyM)
        vm.onText("note", "Vớt lục bình đoạn kênh Rạch Sen")
        vm.save(submit = true)
        val saved = vm.saved()
        assertEquals(ReviewStatus.AWAITING_REVIEW, saved.record.status)

        val stored = (saved.record.value as AnyRecord.Cleanup).v1
        assertEquals(35.5, stored.wasteKg)
        assertEquals(7u, stored.bags)
        assertEquals(12u, stored.participants.youthUnion)
        assertEquals(8u, stored.participants.womensUnion)
        assertEquals(20u, stored.participants.residents)
        assertTrue(stored.work.sweeping && stored.work.waterways && !stored.work.drains)
        assertEquals(Shape.POINT, stored.place.shape)
        val figures = phone.areaFigures(Areas.MY_HOA)
        assertEquals(1uL, figures.cleanups)
        assertEquals(40uL, figures.participants)
    }

    @Test
    fun `a cleanup along a canal is drawn tap by tap and reopened as recorded`() {
        val (phone, _) = h.enrolled("line", server.volunteerCode(Areas.MY_HOA))
        val vm = h.form(phone, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        val blank = vm.editing()
        val shapes = (blank["place"]!!.input as vn.sachxanh.core.Input.Place).shapes
        val line = shapes.single { it.code == Shape.LINE.name.lowercase() }
        vm.onShape("place", line.code)
        vm.onMapTap("place", 105.625, 9.995)
        vm.onMapTap("place", 105.630, 9.997)
        vm.onMapTap("place", 105.699, 9.999) // a slip of the finger
        vm.undoLastPoint("place")
        vm.onFlag("work.drains", true)
        vm.onText("participants.veterans", "6")
        vm.onText("bags", "15")
        vm.save(submit = false)
        val id = vm.saved().id

        val shown = h.form(phone, RecordKind.CLEANUP, recordId = id).editing()
        assertEquals(line.code, shown["place"]!!.place!!.shapeCode)
        assertEquals(listOf(Coord(105.625, 9.995), Coord(105.630, 9.997)), shown["place"]!!.place!!.points)
        assertEquals("6", shown["participants.veterans"]!!.text)
        assertEquals("", shown["participants.youth_union"]!!.text, "nobody is a blank, not a zero to type over")
        assertEquals("15", shown["bags"]!!.text)
        assertEquals("", shown["waste_kg"]!!.text)
        assertTrue(shown["work.drains"]!!.on)
        assertEquals(ReviewStatus.DRAFT, shown.status)
    }
}
