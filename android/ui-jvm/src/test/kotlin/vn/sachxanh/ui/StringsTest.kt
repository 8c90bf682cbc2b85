package vn.sachxanh.ui

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The app's own words: res/values (Vietnamese) and res/values-en define the same strings with
 * the same format arguments, exactly those the code names — the screens by `tr("…")`, the
 * Android shell by `R.string.…` — so the JVM harness and the Android build read one copy.
 */
class StringsTest {
    private val app = Paths.ui.parentFile // vn/sachxanh/app

    private fun used(): Set<String> {
        val sources = app.walk().filter { it.isFile && it.extension == "kt" }.map { it.readText() }.toList()
        val byTr = sources.flatMap { Regex("""\btr\(\s*"([a-z_0-9]+)"""").findAll(it).map { m -> m.groupValues[1] }.toList() }
        // Keys chosen at run time are named in full in string literals next to their use.
        val chosen = sources.flatMap { Regex(""""((?:review_done|review)_[a-z_]+|retry|enrol_submit|locating|use_gps|save_submit|save_draft)"""").findAll(it).map { m -> m.groupValues[1] }.toList() }
        val byR = sources.flatMap { Regex("""R\.string\.([a-z_0-9]+)""").findAll(it).map { m -> m.groupValues[1] }.toList() }
        val manifest = File(Paths.res.parentFile, "AndroidManifest.xml").readText()
        val byManifest = Regex("""@string/([a-z_0-9]+)""").findAll(manifest).map { it.groupValues[1] }.toList()
        return (byTr + chosen + byR + byManifest).toSet()
    }

    private fun args(s: String) = Regex("""%(\d+\$)?[-#+ 0,(]*\d*(\.\d+)?[a-zA-Z]""").findAll(s).map { it.value }.sorted().toList()

    @Test
    fun `both languages define the same strings, with the same arguments, exactly the ones the code uses`() {
        val vi = ResourceStrings.vi.table
        val en = ResourceStrings.en.table
        assertEquals(vi.keys.sorted(), en.keys.sorted(), "values/ and values-en/ define different names")
        for (k in vi.keys) assertEquals(args(vi.getValue(k)), args(en.getValue(k)), "format arguments of $k")
        val used = used()
        assertEquals(emptySet<String>(), used - vi.keys, "named in the code but not defined")
        assertEquals(emptySet<String>(), vi.keys - used, "defined but never used (the core words the data; the app keeps only its chrome)")
        assertTrue(vi.values.none { it.isBlank() } && en.values.none { it.isBlank() })
    }

    @Test
    fun `the screens word no campaign data themselves`() {
        // Kinds, statuses, organisations, work, stages and shapes are the core's words: no
        // string resource may restate one (as the deleted Labels.kt did).
        val vi = ResourceStrings.vi.table.keys
        val restated = vi.filter { k -> listOf("kind_", "status_", "org_", "work_", "spot_", "role_", "shape_", "photo_stage_", "answer_", "covenant_in_force").any { k.startsWith(it) } }
        assertEquals(listOf("kind_other"), restated, "labels of the data belong to the core's catalogue")
    }
}
